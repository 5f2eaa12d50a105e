import { abortError } from './abortable.js';

/** Runs at most `maxConcurrency` tasks at once, first come first served; waiting tasks leave the queue on abort. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: { start: () => void }[] = [];

  constructor(readonly maxConcurrency: number) {}

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Runs `task` once a slot is free (rejects with AbortedError if `signal` aborts while it waits). */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.active < Math.max(1, this.maxConcurrency)) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const position = this.waiting.indexOf(entry);
        if (position >= 0) this.waiting.splice(position, 1);
        reject(signal ? abortError(signal) : new Error('aborted'));
      };
      const entry = {
        start: (): void => {
          signal?.removeEventListener('abort', onAbort);
          this.active += 1;
          resolve();
        },
      };
      this.waiting.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    this.active -= 1;
    const next = this.waiting.shift();
    if (next) next.start();
  }
}
