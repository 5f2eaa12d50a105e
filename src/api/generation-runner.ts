import type { EngineDeps, EngineEvent, GenerationPlan } from '../engine/generation-plan.js';
import { runGeneration as defaultRunGeneration } from '../engine/index.js';
import { DiffalignError } from '../ports/errors.js';
import type { GenerationStore } from '../records/generation-store.js';
import type { AppDeps } from './app-deps.js';
import type { GenerationRecord } from './schemas/generation-record.js';
import { describePlan } from './to-generation-plan.js';
import { resultFields } from './to-generation-record.js';

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
  };
}

/**
 * Runs the engine for an accepted generation, storing images as they arrive and the record at the
 * start and the end. Never throws for engine failures: they end as a `failed` record.
 */
export async function runAndRecord(
  accepted: AcceptedGeneration,
  deps: AppDeps,
  store: GenerationStore<GenerationRecord>,
  options: { abortSignal?: AbortSignal; onEvent?: (event: EngineEvent) => void; status?: 'queued' | 'running' } = {},
): Promise<GenerationRecord> {
  const now = deps.now ?? Date.now;
  const started = initialRecord(accepted, now(), 'running');
  await store.saveRecord(started);
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
      ...started,
      ...fields,
      status: result.best ? 'succeeded' : 'failed',
      ...(result.best ? {} : { error: { code: 'all_candidates_failed', message: firstCandidateError(fields.candidates) } }),
      completed_at: new Date(now()).toISOString(),
    };
  } catch (error) {
    const code = DiffalignError.isInstance(error) ? error.code : 'internal_error';
    const message = DiffalignError.isInstance(error) ? error.message : 'the engine failed unexpectedly';
    if (!DiffalignError.isInstance(error)) console.error(error);
    record = { ...started, status: 'failed', error: { code, message }, completed_at: new Date(now()).toISOString() };
  }
  await store.saveRecord(record);
  return record;
}

function firstCandidateError(candidates: GenerationRecord['candidates']): string {
  const failed = candidates.find((candidate) => candidate.error);
  if (!failed?.error) return 'no candidate could be generated and scored';
  return `every candidate failed; first error: ${failed.error.code}: ${failed.error.message}`;
}
