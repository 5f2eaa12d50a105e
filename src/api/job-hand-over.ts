import type { GenerationJob, JobRunner } from '../ports/job-runner.js';
import { withClosingEvents } from '../records/generation-event-log.js';
import type { GenerationStore, StoredGeneration } from '../records/generation-store.js';
import { type AcceptedGeneration, initialRecord } from './generation-runner.js';
import { UpstreamFailedError } from './http-errors.js';
import type { Logger } from './logger.js';
import type { GenerationRecord } from './schemas/generation-record.js';

/** What a hand-over needs besides the generation. */
export interface HandOverContext {
  readonly jobRunner: JobRunner;
  readonly now: () => number;
  readonly logger: Logger;
}

/** The owner a handed-over record names until a worker starts it: `job:<target>`, alive until the runner's wait is over. */
export function handOverOwner(jobRunner: JobRunner, nowMs: number): { readonly instance: string; readonly pendingUntil: string } {
  return { instance: `job:${jobRunner.target}`, pendingUntil: new Date(nowMs + jobRunner.maxWaitMs).toISOString() };
}

/**
 * Accepts a `Prefer: respond-async` generation for a job runner that runs it elsewhere: writes the queued
 * record with its plan (what the worker runs) and the hand-over owner (so readers wait for the worker
 * rather than call the generation interrupted), then dispatches the job. Resolves with the queued record
 * for the 202. When the dispatch fails, the record is finalised `failed / job_dispatch_failed` and the
 * answer is 502 `upstream_failed` naming it: nothing was left to run, and nothing runs here.
 */
export async function handOverGeneration(accepted: AcceptedGeneration, store: GenerationStore<GenerationRecord>, context: HandOverContext): Promise<GenerationRecord> {
  const { jobRunner, now, logger } = context;
  const record = initialRecord(accepted, now(), 'queued');
  const queued: StoredGeneration<GenerationRecord> = { record, owner: handOverOwner(jobRunner, now()), events: [{ id: 1, event: 'accepted' }], plan: accepted.plan };
  await store.save(queued);
  const job: GenerationJob = { generationId: accepted.id, tenant: store.tenant, ...(accepted.requestId === undefined ? {} : { requestId: accepted.requestId }) };
  try {
    await jobRunner.doDispatch(job);
  } catch (error) {
    const message = `the job could not be handed to ${jobRunner.target}: ${error instanceof Error ? error.message : String(error)}`;
    logger.error({ generation_id: accepted.id, err: message }, 'job dispatch failed');
    const failed: StoredGeneration<GenerationRecord> = {
      record: { ...record, status: 'failed', error: { code: 'job_dispatch_failed', message }, completed_at: new Date(now()).toISOString() },
      events: withClosingEvents(queued.events),
    };
    await store.save(failed).catch((saveError: unknown) => logger.error({ generation_id: accepted.id, err: String(saveError) }, 'could not write the failed record'));
    throw new UpstreamFailedError(`generation ${accepted.id} could not be queued: ${message}; submit it again`, { cause: error, generationId: accepted.id });
  }
  logger.info({ generation_id: accepted.id, job_runner: jobRunner.target }, 'generation handed to the job runner');
  return record;
}
