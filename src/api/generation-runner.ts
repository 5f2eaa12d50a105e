import type { EngineDeps, EngineEvent, GenerationPlan } from '../engine/generation-plan.js';
import { runGeneration as defaultRunGeneration } from '../engine/index.js';
import { DiffalignError } from '../ports/errors.js';
import type { GenerationStore } from '../records/generation-store.js';
import type { AppDeps } from './app-deps.js';
import type { GenerationRecord } from './schemas/generation-record.js';
import { describePlan } from './to-generation-plan.js';
import { resultFields } from './to-generation-record.js';

/** How often a running generation re-writes its record to say it is alive (default). */
export const HEARTBEAT_MS = 5_000;
/** A running record whose heartbeat is older than this many heartbeats belongs to a worker that died. */
export const STALE_AFTER_BEATS = 4;

/** One accepted generation: its id, the plan, and where its images are linked from. */
export interface AcceptedGeneration {
  readonly id: string;
  readonly plan: GenerationPlan;
  readonly metadata?: Record<string, string>;
  /** Origin image URLs are built on (`<base>/v1/generations/<id>/candidates/<cid>`). */
  readonly baseUrl: string;
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
    warnings: [],
    request: describePlan(accepted.plan),
    ...(accepted.metadata ? { metadata: accepted.metadata } : {}),
    created_at: new Date(nowMs).toISOString(),
    completed_at: null,
    heartbeat_at: new Date(nowMs).toISOString(),
  };
}

/**
 * How a stored record reads to a client: a queued/running record whose worker stopped
 * heart-beating (the process died or restarted) is reported as failed with code `interrupted`.
 */
export function observedRecord(record: GenerationRecord, nowMs: number, heartbeatMs: number = HEARTBEAT_MS): GenerationRecord {
  if (record.status !== 'queued' && record.status !== 'running') return record;
  const heartbeat = Date.parse(record.heartbeat_at ?? record.created_at);
  if (nowMs - heartbeat <= STALE_AFTER_BEATS * heartbeatMs) return record;
  const { heartbeat_at: _heartbeat, ...rest } = record;
  return {
    ...rest,
    status: 'failed',
    error: { code: 'interrupted', message: 'the worker running this generation stopped before it finished (server restart or crash); submit it again' },
    completed_at: new Date(heartbeat).toISOString(),
  };
}

/**
 * Runs the engine for an accepted generation, storing images as they arrive and the record at the
 * start, on a heartbeat, and at the end. Never throws for engine failures: they end as a `failed` record.
 */
export async function runAndRecord(
  accepted: AcceptedGeneration,
  deps: AppDeps,
  store: GenerationStore<GenerationRecord>,
  options: { abortSignal?: AbortSignal; onEvent?: (event: EngineEvent) => void; started?: GenerationRecord } = {},
): Promise<GenerationRecord> {
  const now = deps.now ?? Date.now;
  let current: GenerationRecord = { ...(options.started ?? initialRecord(accepted, now(), 'running')), status: 'running', heartbeat_at: new Date(now()).toISOString() };
  await store.saveRecord(current);
  let pendingBeat: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    current = { ...current, heartbeat_at: new Date(now()).toISOString() };
    pendingBeat = store.saveRecord(current).catch((error: unknown) => console.error('heartbeat write failed', error));
  }, deps.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref?.();

  const engineDeps: EngineDeps = {
    generator: deps.generator,
    scorers: deps.scorers,
    ...(deps.rewriter ? { rewriter: deps.rewriter } : {}),
    ...(deps.chatModel ? { chatModel: deps.chatModel } : {}),
    now,
    imageSink: {
      save: async (candidateId, image) => {
        await store.saveImage(accepted.id, candidateId, image.bytes, image.mediaType);
        return { url: `${accepted.baseUrl}/v1/generations/${accepted.id}/candidates/${candidateId}` };
      },
    },
  };
  const run = deps.runGeneration ?? defaultRunGeneration;
  let record: GenerationRecord;
  try {
    const result = await run(accepted.plan, engineDeps, {
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    const fields = resultFields(result);
    record = {
      ...current,
      ...fields,
      status: result.best ? 'succeeded' : 'failed',
      ...(result.best ? {} : { error: { code: 'all_candidates_failed', message: firstCandidateError(fields.candidates) } }),
      completed_at: new Date(now()).toISOString(),
    };
  } catch (error) {
    const code = DiffalignError.isInstance(error) ? error.code : 'internal_error';
    const message = DiffalignError.isInstance(error) ? error.message : 'the engine failed unexpectedly';
    if (!DiffalignError.isInstance(error)) console.error(error);
    record = { ...current, status: 'failed', error: { code, message }, completed_at: new Date(now()).toISOString() };
  } finally {
    clearInterval(heartbeat);
    await pendingBeat;
  }
  const { heartbeat_at: _heartbeat, ...finished } = record;
  await store.saveRecord(finished);
  return finished;
}

function firstCandidateError(candidates: GenerationRecord['candidates']): string {
  const failed = candidates.find((candidate) => candidate.error);
  if (!failed?.error) return 'no candidate could be generated and scored';
  return `every candidate failed; first error: ${failed.error.code}: ${failed.error.message}`;
}
