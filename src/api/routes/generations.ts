import type { Context, Hono, MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { GenerationEventEntry } from '../../records/generation-event-log.js';
import type { GenerationStore, StoredGeneration } from '../../records/generation-store.js';
import type { InstanceLiveness } from '../../records/instance-liveness.js';
import { isUuidV7, newUuidV7 } from '../../records/uuid-v7.js';
import { type AppDeps, defaultRewardsOf } from '../app-deps.js';
import { requestTenant } from '../auth/request-tenant.js';
import { EVENT_STREAM, negotiateGenerationMediaType } from '../accept-negotiation.js';
import { ifNoneMatchMatches } from '../etag-match.js';
import { problemOfFailedRecord } from '../failed-record-problem.js';
import { type GenerationSseEvent, isTerminal, renderEvent } from '../generation-events.js';
import { type AcceptedGeneration, initialRecord, interruptedRecord } from '../generation-runner.js';
import { GenerationSupervisor, type LiveGeneration } from '../generation-supervisor.js';
import { BudgetOverLimitError, ConflictError, NotFoundError, TooManyRequestsError } from '../http-errors.js';
import { TenantSlots } from '../limits/tenant-slots.js';
import { silentLogger } from '../logger.js';
import { readJsonBody } from '../read-json-body.js';
import type { GenerationRecord } from '../schemas/generation-record.js';
import { generationRequestSchema, LIMITS } from '../schemas/generation-request.js';
import type { TenantGenerationStores } from '../tenant-generation-stores.js';
import { handOverGeneration } from '../job-hand-over.js';
import { mountGenerationListing } from './generation-listing.js';
import { webhookSubscriptionOf } from '../webhooks/app-webhooks.js';
import { superviseGeneration } from '../supervised-generation.js';
import { toGenerationPlan } from '../to-generation-plan.js';

const CANDIDATE_ID = /^c\d{3,6}$/;
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_HEARTBEAT_MS = 5_000;
/** How long a cancel request waits for a generation of this process to stop. */
const CANCEL_WAIT_MS = 30_000;
/** How long an events stream follows a generation another process runs. */
const FOLLOW_LIMIT_MS = 15 * 60_000;

/** What the generation routes share with the rest of the app. */
export interface GenerationRouteOptions {
  /** The idempotency middleware of POST /v1/generations. */
  readonly idempotent: MiddlewareHandler;
  /** This process's liveness (createApp makes one per app, shared with idempotency). */
  readonly liveness: InstanceLiveness;
  /** Each tenant's generation store: every route works in its request's tenant. */
  readonly stores: TenantGenerationStores;
}

/** Mounts the generation endpoints on the app. */
export function mountGenerationRoutes(app: Hono, deps: AppDeps, options: GenerationRouteOptions): GenerationSupervisor {
  const { idempotent, liveness, stores } = options;
  /** Tenant of each generation this app admitted and that is still live: another tenant never sees it. */
  const liveTenants = new Map<string, string>();
  const slots = new TenantSlots();
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const baseUrl = deps.publicUrl ?? '';
  const supervisor = deps.supervisor ?? new GenerationSupervisor({ maxRunning: deps.maxRunning ?? 4, maxQueued: deps.maxQueued ?? 64, logger });
  supervisor.onShutdown(() => liveness.stop(true));
  liveness.onTick(() => {
    for (const live of supervisor.liveGenerations()) {
      const tenant = liveTenants.get(live.id);
      if (tenant === undefined) continue;
      void stores.of(tenant).cancelRequested(live.id).then(
        (requested) => requested && live.stop('cancelled'),
        () => undefined,
      );
    }
  });
  const scorerIds = Object.keys(deps.scorers);
  const planContext = {
    scorerIds,
    defaultRewards: defaultRewardsOf(deps),
    hasRewriter: deps.rewriter !== undefined,
    hasChatModel: deps.chatModel !== undefined,
    randomSeed: deps.randomSeed ?? (() => Math.floor(Math.random() * 0x100000000)),
  };

  /** Writes the queued record (durable before the request is acknowledged) and hands the generation to the supervisor. */
  async function admit(accepted: AcceptedGeneration, store: GenerationStore<GenerationRecord>): Promise<LiveGeneration> {
    const events: GenerationEventEntry[] = [{ id: 1, event: 'accepted' }];
    const record = initialRecord(accepted, now(), 'queued');
    const queued: StoredGeneration<GenerationRecord> = { record, owner: liveness.self, events, plan: accepted.plan };
    try {
      await liveness.start();
      await store.save(queued);
    } catch (error) {
      supervisor.release();
      throw error;
    }
    return superviseGeneration(accepted, queued, { deps, store, supervisor, owner: liveness.self, logger, now });
  }

  /** The stored generation as it truly stands: one whose owner is gone is finalised as `failed / interrupted` (and written so). */
  async function observe(store: GenerationStore<GenerationRecord>, stored: StoredGeneration<GenerationRecord>): Promise<StoredGeneration<GenerationRecord>> {
    const { record, owner } = stored;
    if (isTerminal(record)) return stored;
    const alive = owner ? (owner.instance === liveness.self.instance ? supervisor.get(record.id) !== undefined : await liveness.isAlive(owner)) : false;
    if (alive) return stored;
    // the owner may have finished between our read and now (its final write precedes leaving the registry)
    const latest = await store.load(record.id);
    if (latest && isTerminal(latest.record)) return latest;
    const finished = interruptedRecord(latest ?? stored, await store.storedImages(record.id), baseUrl, new Date(now()).toISOString());
    await store.save(finished).catch((error: unknown) => logger.warn({ generation_id: record.id, err: String(error) }, 'could not write the interrupted record'));
    return finished;
  }

  async function loadOr404(store: GenerationStore<GenerationRecord>, id: string): Promise<StoredGeneration<GenerationRecord>> {
    const stored = isUuidV7(id) ? await store.load(id) : null;
    if (!stored) throw new NotFoundError(`no generation ${id}`);
    return observe(store, stored);
  }

  mountGenerationListing(app, { store: deps.store, stores, observe, logger });

  /** The live generation with this id when this tenant owns it (another tenant's is as absent as a missing one). */
  function liveOf(tenant: string, id: string): LiveGeneration | undefined {
    return liveTenants.get(id) === tenant ? supervisor.get(id) : undefined;
  }

  app.post('/v1/generations', idempotent, async (c) => {
    const request = await readJsonBody(c, generationRequestSchema, deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const tenant = requestTenant(c);
    const limits = c.get('limits');
    if (request.search.budget !== undefined && request.search.budget > limits.maxBudget) throw new BudgetOverLimitError(request.search.budget, limits.maxBudget);
    const webhook = await webhookSubscriptionOf(c, request, deps);
    const plan = toGenerationPlan(request, { ...planContext, maxBudget: Math.min(LIMITS.budget, limits.maxBudget) });
    const requestId = (c.get as (key: string) => unknown)('requestId');
    const timeLimit = deps.requestTimeLimit?.(c);
    const accepted: AcceptedGeneration = {
      id: newUuidV7(now()),
      plan,
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(webhook ? { webhook } : {}),
      baseUrl,
      ...(typeof requestId === 'string' ? { requestId } : {}),
      ...(timeLimit === undefined ? {} : { runUntil: timeLimit }),
    };
    const location = `/v1/generations/${accepted.id}`;
    if (deps.jobRunner && prefersAsync(c.req.header('prefer'))) {
      // the job runner runs it elsewhere (a Lambda worker): it takes no place here and leaves nothing running in this sandbox
      const record = await handOverGeneration(accepted, stores.of(tenant), { jobRunner: deps.jobRunner, now, logger });
      return c.json(record, 202, { location, 'preference-applied': 'respond-async' });
    }
    if (!slots.tryAcquire(tenant, limits.maxRunning)) {
      throw new TooManyRequestsError(
        'too_many_generations',
        `tenant ${tenant} has ${slots.count(tenant)} generations queued or running, its limit; retry after Retry-After seconds`,
        limits.maxRunning,
        supervisor.retryAfterSeconds(),
      );
    }
    try {
      supervisor.reserve();
    } catch (error) {
      slots.release(tenant);
      throw error;
    }
    liveTenants.set(accepted.id, tenant);
    let live: LiveGeneration;
    try {
      live = await admit(accepted, stores.of(tenant));
    } catch (error) {
      liveTenants.delete(accepted.id);
      slots.release(tenant);
      throw error;
    }
    void live.done.then(() => {
      liveTenants.delete(accepted.id);
      slots.release(tenant);
    });

    if (prefersAsync(c.req.header('prefer'))) {
      deps.waitUntil?.(live.done);
      return c.json(live.record, 202, { location, 'preference-applied': 'respond-async' });
    }
    if (negotiateGenerationMediaType(c) === EVENT_STREAM) {
      c.header('location', location);
      return streamLive(c, live, 0, () => live.stop('client'));
    }
    const onClientGone = (): void => live.stop('client');
    c.req.raw.signal.addEventListener('abort', onClientGone, { once: true });
    const record = await live.done;
    c.req.raw.signal.removeEventListener('abort', onClientGone);
    if (record.status !== 'succeeded') throw problemOfFailedRecord(record);
    return c.json(record, 200, { location });
  });

  app.get('/v1/generations/:id', async (c) => {
    const stored = await loadOr404(stores.of(requestTenant(c)), c.req.param('id'));
    return c.json(stored.record);
  });

  app.get('/v1/generations/:id/events', async (c) => {
    const id = c.req.param('id');
    const tenant = requestTenant(c);
    const store = stores.of(tenant);
    const afterId = lastEventId(c.req.header('last-event-id') ?? c.req.query('after'));
    const live = liveOf(tenant, id);
    if (live) return streamLive(c, live, afterId);
    const stored = await loadOr404(store, id);
    return streamSSE(c, async (stream) => {
      let sent = afterId;
      let current = stored;
      const started = Date.now();
      for (;;) {
        for (const entry of current.events) {
          if (entry.id <= sent || stream.aborted) continue;
          await writeEvent(stream, renderEvent(entry, current.record));
          sent = entry.id;
        }
        if (isTerminal(current.record) || stream.aborted || Date.now() - started > FOLLOW_LIMIT_MS) return;
        await stream.sleep(Math.min(1000, heartbeatMs));
        const reloaded = await store.load(id);
        if (!reloaded) return;
        current = await observe(store, reloaded);
      }
    });
  });

  app.delete('/v1/generations/:id', async (c) => {
    const id = c.req.param('id');
    const tenant = requestTenant(c);
    const store = stores.of(tenant);
    const live = liveOf(tenant, id);
    if (live) {
      // a running generation is stopped first, so no image is written after the delete
      live.stop('cancelled');
      await live.done;
    }
    const stored = await loadOr404(store, id);
    await store.deleteGeneration(stored.record.id);
    return c.body(null, 204);
  });

  app.post('/v1/generations/:id/cancel', async (c) => {
    const id = c.req.param('id');
    const tenant = requestTenant(c);
    const store = stores.of(tenant);
    const live = liveOf(tenant, id);
    if (live) {
      live.stop('cancelled');
      const record = await Promise.race([live.done, delay(CANCEL_WAIT_MS).then(() => null)]);
      if (record) return c.json(record, 200);
      return c.json(live.record, 202, { location: `/v1/generations/${id}` });
    }
    const stored = await loadOr404(store, id);
    if (isTerminal(stored.record)) {
      throw new ConflictError('generation_finished', `generation ${id} already ended (${stored.record.status}); nothing to cancel`);
    }
    await store.requestCancel(id, new Date(now()).toISOString());
    return c.json(stored.record, 202, { location: `/v1/generations/${id}` });
  });

  app.get('/v1/generations/:id/candidates/:candidateId', async (c) => {
    const id = c.req.param('id');
    const candidateId = c.req.param('candidateId');
    const store = stores.of(requestTenant(c));
    if (!isUuidV7(id) || !CANDIDATE_ID.test(candidateId)) throw new NotFoundError(`no image ${candidateId} in generation ${id}`);
    if (deps.presignImageSeconds !== undefined && deps.store.presignGet) {
      // the bytes go straight from the bucket to the client; the link is never stored (it expires)
      const key = store.imageKey(id, candidateId);
      if (!(await deps.store.head(key))) throw new NotFoundError(`no image ${candidateId} in generation ${id}`);
      const url = await deps.store.presignGet(key, { expiresInSeconds: deps.presignImageSeconds });
      return c.redirect(url, 302);
    }
    const blob = await store.loadImage(id, candidateId);
    if (!blob) throw new NotFoundError(`no image ${candidateId} in generation ${id}`);
    return imageResponse(c, blob);
  });

  return supervisor;
}

/** Streams a live generation's events after `afterId` until its `done` event (or the client leaves). */
function streamLive(c: Context, live: LiveGeneration, afterId: number, onClientGone?: () => void): Response {
  return streamSSE(c, async (stream) => {
    let chain: Promise<void> = Promise.resolve();
    let finish: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (finish = resolve));
    const unsubscribe = live.subscribe(afterId, (events) => {
      for (const event of events) {
        chain = chain.then(() => (stream.aborted ? undefined : writeEvent(stream, event)));
        if (event.event === 'done') void chain.then(finish);
      }
    });
    stream.onAbort(() => {
      unsubscribe();
      onClientGone?.();
      finish();
    });
    await ended;
    unsubscribe();
    await chain;
  });
}

function writeEvent(stream: { writeSSE(message: { id?: string; event?: string; data: string }): Promise<void> }, event: GenerationSseEvent): Promise<void> {
  return stream.writeSSE({ id: String(event.id), event: event.event, data: JSON.stringify(event.data) });
}

function lastEventId(value: string | undefined): number {
  const parsed = Number.parseInt(value ?? '', 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : 0;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

function imageResponse(c: Context, blob: { body: Uint8Array; contentType: string; etag: string }): Response {
  const headers = {
    etag: blob.etag,
    'cache-control': 'public, max-age=31536000, immutable',
  };
  if (ifNoneMatchMatches(c.req.header('if-none-match'), blob.etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(new Uint8Array(blob.body), { status: 200, headers: { ...headers, 'content-type': blob.contentType, 'content-length': String(blob.body.byteLength) } });
}

/** RFC 7240 `Prefer: respond-async`. */
function prefersAsync(prefer: string | undefined): boolean {
  return (prefer ?? '').split(',').some((token) => token.trim().toLowerCase().startsWith('respond-async'));
}
