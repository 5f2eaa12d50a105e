import { ConflictError, DeadlineExceededError, HttpError, InternalServerError, UpstreamFailedError } from './http-errors.js';
import type { GenerationRecord } from './schemas/generation-record.js';

/**
 * The problem a generation that ended without an image answers with, by its error code:
 * `deadline_exceeded` 504, `interrupted` 503 (the process running it stopped), a cancellation 409,
 * backend failures 502. The record is kept: the problem names it in `generation_id` (and `Location`), so a
 * client finds it without parsing `detail`.
 */
export function problemOfFailedRecord(record: GenerationRecord): HttpError {
  const code = record.error?.code ?? 'unknown';
  const message = `generation ${record.id} ${record.status}: ${record.error?.message ?? 'no image was produced'} (the record is kept at /v1/generations/${record.id})`;
  const options = { generationId: record.id };
  if (code === 'deadline_exceeded') return new DeadlineExceededError(message, options);
  if (record.status === 'cancelled') return new ConflictError('generation_cancelled', message, options);
  if (code === 'interrupted') return new GenerationInterruptedError(message, options);
  if (code === 'internal_error') return new InternalServerError(options);
  return new UpstreamFailedError(message, options);
}

/** 503: the process running a generation stopped (shutdown, crash) before it finished; submit it again. */
export class GenerationInterruptedError extends HttpError {
  readonly status = 503;
  readonly title = 'Generation interrupted';
  constructor(detail: string, options?: { generationId?: string }) {
    super('interrupted', detail, options);
  }
}
