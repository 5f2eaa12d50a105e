import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { GenerationStore } from '../../records/generation-store.js';
import { isUuidV7, newUuidV7 } from '../../records/uuid-v7.js';
import { type AppDeps, defaultRewardsOf } from '../app-deps.js';
import { NotFoundError, UpstreamFailedError } from '../http-errors.js';
import { readJsonBody } from '../read-json-body.js';
import type { GenerationRecord } from '../schemas/generation-record.js';
import { generationRequestSchema } from '../schemas/generation-request.js';
import { type AcceptedGeneration, initialRecord, observedRecord, runAndRecord } from '../generation-runner.js';
import { type GenerationSseEvent, toSseEvent } from '../generation-events.js';
import { toGenerationPlan } from '../to-generation-plan.js';

const CANDIDATE_ID = /^c\d{3,6}$/;
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** Mounts the generation endpoints on the app. */
export function mountGenerationRoutes(app: Hono, deps: AppDeps): void {
  const store = new GenerationStore<GenerationRecord>(deps.store, deps.tenant ?? 'default');
  const now = deps.now ?? Date.now;
  const scorerIds = Object.keys(deps.scorers);
  const planContext = {
    scorerIds,
    defaultRewards: defaultRewardsOf(deps),
    hasRewriter: deps.rewriter !== undefined,
    hasChatModel: deps.chatModel !== undefined,
    randomSeed: deps.randomSeed ?? (() => Math.floor(Math.random() * 0x100000000)),
  };

  app.post('/v1/generations', async (c) => {
    const request = await readJsonBody(c, generationRequestSchema, deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const plan = toGenerationPlan(request, planContext);
    const accepted: AcceptedGeneration = {
      id: newUuidV7(now()),
      plan,
      ...(request.metadata ? { metadata: request.metadata } : {}),
      baseUrl: deps.publicUrl ?? new URL(c.req.url).origin,
    };
    const location = `/v1/generations/${accepted.id}`;

    if (prefersAsync(c.req.header('prefer'))) {
      const queued = initialRecord(accepted, now(), 'queued');
      await store.saveRecord(queued);
      const work = runAndRecord(accepted, deps, store, { started: queued }).catch((error: unknown) => console.error('async generation failed', error));
      deps.waitUntil?.(work);
      return c.json(queued, 202, { location, 'preference-applied': 'respond-async' });
    }

    if (acceptsEventStream(c.req.header('accept'))) {
      return streamSSE(c, async (stream) => {
        const controller = new AbortController();
        stream.onAbort(() => controller.abort());
        let chain = stream.writeSSE({ event: 'accepted', data: JSON.stringify({ id: accepted.id, status: 'running', location }) });
        const send = (event: GenerationSseEvent): void => {
          chain = chain.then(() => (stream.aborted ? undefined : stream.writeSSE({ event: event.event, data: JSON.stringify(event.data) })));
        };
        const record = await runAndRecord(accepted, deps, store, { abortSignal: controller.signal, onEvent: (event) => send(toSseEvent(event)) });
        if (record.status === 'failed') {
          send({ event: 'error', data: new UpstreamFailedError(`generation ${record.id} failed: ${record.error?.message ?? 'unknown error'}`).toJSON() });
        }
        send({ event: 'done', data: record });
        await chain;
      });
    }

    const record = await runAndRecord(accepted, deps, store, { abortSignal: c.req.raw.signal });
    if (record.status === 'failed') {
      throw new UpstreamFailedError(`generation ${record.id} failed: ${record.error?.message ?? 'unknown error'}`);
    }
    return c.json(record, 200, { location });
  });

  app.get('/v1/generations/:id', async (c) => {
    const record = await loadRecordOr404(store, c.req.param('id'), now(), deps.heartbeatMs);
    return c.json(record);
  });

  app.get('/v1/generations/:id/candidates/:candidateId', async (c) => {
    const id = c.req.param('id');
    const candidateId = c.req.param('candidateId');
    if (!isUuidV7(id) || !CANDIDATE_ID.test(candidateId)) throw new NotFoundError(`no image ${candidateId} in generation ${id}`);
    const blob = await store.loadImage(id, candidateId);
    if (!blob) throw new NotFoundError(`no image ${candidateId} in generation ${id}`);
    return imageResponse(c, blob);
  });
}

async function loadRecordOr404(store: GenerationStore<GenerationRecord>, id: string, nowMs: number, heartbeatMs: number | undefined): Promise<GenerationRecord> {
  const record = isUuidV7(id) ? await store.loadRecord(id) : null;
  if (!record) throw new NotFoundError(`no generation ${id}`);
  return observedRecord(record, nowMs, heartbeatMs);
}

function imageResponse(c: Context, blob: { body: Uint8Array; contentType: string; etag: string }): Response {
  const headers = {
    etag: blob.etag,
    'cache-control': 'public, max-age=31536000, immutable',
  };
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === blob.etag || tag.trim() === '*')) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(new Uint8Array(blob.body), { status: 200, headers: { ...headers, 'content-type': blob.contentType, 'content-length': String(blob.body.byteLength) } });
}

/** RFC 7240 `Prefer: respond-async`. */
function prefersAsync(prefer: string | undefined): boolean {
  return (prefer ?? '').split(',').some((token) => token.trim().toLowerCase().startsWith('respond-async'));
}

function acceptsEventStream(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes('text/event-stream');
}
