import type { EngineDeps, EngineResult, GenerationPlan, StopReason } from '../engine/generation-plan.js';
import { runGeneration as defaultRunGeneration } from '../engine/index.js';
import { DiffalignError } from '../ports/errors.js';
import { withClosingEvents } from '../records/generation-event-log.js';
import type { GenerationStore, StoredGeneration } from '../records/generation-store.js';
import type { InstanceRef } from '../records/instance-liveness.js';
import type { AppDeps } from './app-deps.js';
import { toEventEntry } from './generation-events.js';
import { GenerationJournal } from './generation-journal.js';
import type { LiveGeneration } from './generation-supervisor.js';
import { type Logger, silentLogger } from './logger.js';
import type { GenerationRecord } from './schemas/generation-record.js';
import type { WebhookSubscription } from './schemas/webhook.js';
import { describePlan } from './to-generation-plan.js';
import { resultFields } from './to-generation-record.js';

/** One accepted generation: its id, the plan, and where its images are linked from. */
export interface AcceptedGeneration {
  readonly id: string;
  readonly plan: GenerationPlan;
  readonly metadata?: Record<string, string>;
  /** Where its webhooks go (`webhook_url`, `webhook_events`) and which key signs them. */
  readonly webhook?: WebhookSubscription;
  /** Prefix of image URLs (`<base>/v1/generations/<id>/candidates/<cid>`): the configured public URL, or '' for relative links. */
  readonly baseUrl: string;
  /** The HTTP request that submitted it (logs). */
  readonly requestId?: string;
  /**
   * Epoch ms by which the run must be over: the runtime's own time limit (a Lambda invocation's, minus a
   * margin for the final write). The engine's deadline is cut to it; the record keeps the request's own.
   */
  readonly runUntil?: number;
}

/** URL of a candidate's image. */
export function candidateUrl(baseUrl: string, id: string, candidateId: string): string {
  return `${baseUrl}/v1/generations/${id}/candidates/${candidateId}`;
}

/** The first record of an accepted generation, persisted before any work so nothing accepted is lost. */
export function initialRecord(accepted: AcceptedGeneration, nowMs: number, status: 'queued' | 'running'): GenerationRecord {
  return {
    id: accepted.id,
    object: 'generation',
    status,
    prompt: accepted.plan.prompt,
    final_prompt: null,
    ...(accepted.plan.negativePrompt !== undefined ? { negative_prompt: accepted.plan.negativePrompt } : {}),
    best: null,
    images: [],
    candidates: [],
    trace: [],
    usage: null,
    truncated: false,
    stop_reason: null,
    warnings: [],
    request: describePlan(accepted.plan),
    ...(accepted.metadata ? { metadata: accepted.metadata } : {}),
    ...(accepted.webhook ? { webhook: accepted.webhook } : {}),
    created_at: new Date(nowMs).toISOString(),
    completed_at: null,
  };
}

/** What a run needs besides the generation: where it writes, who owns it, how it is stopped. */
export interface RunContext {
  readonly deps: AppDeps;
  readonly store: GenerationStore<GenerationRecord>;
  readonly owner: InstanceRef;
  readonly live: LiveGeneration;
  /** The stored queued generation it starts from (its event log goes on). */
  readonly queued: StoredGeneration<GenerationRecord>;
  readonly logger?: Logger;
}

/**
 * Runs the engine for an accepted generation and journals it: the record is re-written as candidates are
 * dispatched, stored and settled (coalesced), each image is stored only after the record lists its
 * candidate, and each event is published only once the record holding it is durable. Never throws for
 * engine failures: they end as a `failed` record.
 */
export async function runAndRecord(accepted: AcceptedGeneration, context: RunContext): Promise<GenerationRecord> {
  const { deps, store, live } = context;
  const logger = (context.logger ?? silentLogger).child({ generation_id: accepted.id, ...(accepted.requestId ? { request_id: accepted.requestId } : {}) });
  const now = deps.now ?? Date.now;
  const running: GenerationRecord = { ...context.queued.record, status: 'running' };
  const journal = new GenerationJournal(
    {
      // every write keeps the plan, so a job worker can run the generation again after its owner died
      save: async (stored) => {
        await store.save(context.queued.plan === undefined ? stored : { ...stored, plan: context.queued.plan });
      },
      published: (entries, record) => live.publish(entries, record),
      failed: (error) => logger.error({ err: errorMessage(error) }, 'journal write failed; the next change retries'),
    },
    { record: running, owner: context.owner, events: context.queued.events },
  );
  journal.update(() => running);
  const presignSeconds = deps.presignImageSeconds;
  const engineDeps: EngineDeps = {
    generator: deps.generator,
    scorers: deps.scorers,
    ...(deps.rewriter ? { rewriter: deps.rewriter } : {}),
    ...(deps.chatModel ? { chatModel: deps.chatModel } : {}),
    ...(deps.allowManyListeners ? { allowManyListeners: deps.allowManyListeners } : {}),
    now,
    imageSink: {
      save: async (candidateId, image) => {
        // the record lists a candidate before its image exists, so a crash never leaves an unlisted image
        await journal.flushed();
        await store.saveImage(accepted.id, candidateId, image.bytes, image.mediaType);
        return { url: candidateUrl(accepted.baseUrl, accepted.id, candidateId) };
      },
      ...(presignSeconds !== undefined && deps.store.presignPut && deps.store.presignGet
        ? {
            prepareUpload: async (candidateId: string, mediaType: string) => {
              // as for saved images: the record lists the candidate before the endpoint can write its image
              await journal.flushed();
              const key = store.imageKey(accepted.id, candidateId, mediaType);
              const putUrl = await deps.store.presignPut!(key, { expiresInSeconds: presignSeconds, contentType: mediaType });
              const readUrl = await deps.store.presignGet!(key, { expiresInSeconds: presignSeconds });
              return { putUrl, readUrl, url: candidateUrl(accepted.baseUrl, accepted.id, candidateId) };
            },
          }
        : {}),
    },
  };
  const run = deps.runGeneration ?? defaultRunGeneration;
  let record: GenerationRecord;
  logger.info({ budget: accepted.plan.search.budget, method: accepted.plan.search.method }, 'generation started');
  try {
    const result = await run(withinTimeLimit(accepted.plan, accepted.runUntil, now()), engineDeps, {
      abortSignal: live.abortController.signal,
      stopSignal: live.stopController.signal,
      onEvent: (event) => journal.append(toEventEntry(event)),
      onProgress: (snapshot) => journal.update(() => ({ ...running, ...resultFields(snapshot()) })),
    });
    record = finishedRecord(running, result, new Date(now()).toISOString());
  } catch (error) {
    const code = DiffalignError.isInstance(error) ? error.code : 'internal_error';
    const message = DiffalignError.isInstance(error) ? error.message : 'the engine failed unexpectedly';
    if (!DiffalignError.isInstance(error)) logger.error({ err: errorMessage(error), stack: error instanceof Error ? error.stack : undefined }, 'engine failed');
    record = { ...running, status: 'failed', error: { code, message }, completed_at: new Date(now()).toISOString() };
  }
  await finishJournal(journal, record);
  logger.info({ status: record.status, images: record.usage?.images ?? 0, stop_reason: record.stop_reason ?? null }, 'generation ended');
  return record;
}

/** The plan with its deadline cut to the time left before `runUntil` (unchanged without one, or when its own deadline is sooner). */
function withinTimeLimit(plan: GenerationPlan, runUntil: number | undefined, nowMs: number): GenerationPlan {
  if (runUntil === undefined) return plan;
  const left = Math.max(0, Math.floor(runUntil - nowMs));
  return plan.deadlineMs !== undefined && plan.deadlineMs <= left ? plan : { ...plan, deadlineMs: left };
}

/** Writes a generation's final record (no owner) with its `error` (when failed) and `done` events. */
async function finishJournal(journal: GenerationJournal, record: GenerationRecord): Promise<void> {
  journal.release(() => record);
  if (record.status === 'failed' || (record.status === 'cancelled' && !record.best)) journal.append({ event: 'error' });
  journal.append({ event: 'done' });
  await journal.flushed();
}

/**
 * The final record of an engine result. Deadlines and disconnects are not failures: with an image the
 * generation `succeeded` (marked `truncated`); a cancellation is `cancelled` with what finished; a shutdown
 * is `failed / interrupted` with what finished; no image at a deadline is `failed / deadline_exceeded`.
 */
export function finishedRecord(running: GenerationRecord, result: EngineResult, completedAt: string): GenerationRecord {
  const fields = resultFields(result);
  const base: GenerationRecord = { ...running, ...fields, completed_at: completedAt };
  const reason: StopReason | null = result.stopReason;
  if (reason === 'shutdown') {
    return { ...base, status: 'failed', error: { code: 'interrupted', message: 'the server shut down before the generation finished; what finished is kept; submit it again' } };
  }
  if (reason === 'cancelled') return { ...base, status: 'cancelled', error: { code: 'cancelled', message: 'the generation was cancelled; what finished is kept' } };
  if (result.best) return { ...base, status: 'succeeded' };
  if (reason === 'deadline') {
    const deadline = running.request['deadline_ms'];
    const which = deadline === undefined ? 'the runtime\'s time limit' : `the deadline of ${String(deadline)} ms`;
    return { ...base, status: 'failed', error: { code: 'deadline_exceeded', message: `${which} passed before any image was generated and scored` } };
  }
  if (reason === 'client') return { ...base, status: 'cancelled', error: { code: 'client_disconnected', message: 'the client went away before any image was finished' } };
  return { ...base, status: 'failed', error: { code: 'all_candidates_failed', message: firstCandidateError(fields.candidates) } };
}

/**
 * The record of a generation whose process stopped before it finished (shutdown while queued, a crash):
 * `failed / interrupted`, keeping every candidate the journal listed — those still pending are marked
 * interrupted, with their image link when the image is stored — and the best finished one.
 */
export function interruptedRecord(
  stored: StoredGeneration<GenerationRecord>,
  storedImages: ReadonlySet<string>,
  baseUrl: string,
  completedAt: string,
  message = 'the process running this generation stopped before it finished (restart, crash or shutdown); what finished is kept; submit it again',
): StoredGeneration<GenerationRecord> {
  const { record } = stored;
  const candidates = record.candidates.map((candidate) => {
    if (candidate.status !== 'pending') return candidate;
    const url = storedImages.has(candidate.id) ? candidateUrl(baseUrl, record.id, candidate.id) : undefined;
    return {
      ...candidate,
      status: 'failed' as const,
      reward: null,
      ...(url ? { url } : {}),
      error: { code: 'interrupted', message: url ? 'the image was stored but scoring was interrupted' : 'interrupted before the image was stored' },
    };
  });
  return {
    record: { ...record, candidates, status: 'failed', error: { code: 'interrupted', message }, completed_at: completedAt },
    events: withClosingEvents(stored.events),
  };
}

function firstCandidateError(candidates: GenerationRecord['candidates']): string {
  const failed = candidates.find((candidate) => candidate.error);
  if (!failed?.error) return 'no candidate could be generated and scored';
  return `every candidate failed; first error: ${failed.error.code}: ${failed.error.message}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
