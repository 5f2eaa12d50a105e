import { abortableDelay } from './abortable.js';

/** How a port call is retried. */
export interface RetryOptions {
  readonly signal: AbortSignal;
  /** Retries after the first attempt (the engine uses 2). */
  readonly retries?: number;
  /** Backoff before retry k (0-based) is baseDelayMs · 2^k. */
  readonly baseDelayMs?: number;
}

/** Whether an error says a retry may succeed (`BackendCallError.isRetryable`, or any error carrying that flag). */
export function isRetryableError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'isRetryable' in error && error.isRetryable === true;
}

/** Calls `attempt` and retries it, with exponential backoff, only while its error is retryable. */
export async function retryCall<T>(attempt: (attemptIndex: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retries = options.retries ?? 2;
  const baseDelayMs = options.baseDelayMs ?? 25;
  for (let index = 0; ; index += 1) {
    try {
      return await attempt(index);
    } catch (error) {
      if (index >= retries || !isRetryableError(error) || options.signal.aborted) throw error;
      await abortableDelay(baseDelayMs * 2 ** index, options.signal);
    }
  }
}
