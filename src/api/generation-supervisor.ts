// STUB: the interface is settled; the implementation is being written (admission, registry, shutdown).
import type { Logger } from './logger.js';

/** Limits and hooks of a supervisor. */
export interface GenerationSupervisorOptions {
  /** Generations running at once in this process. */
  readonly maxRunning: number;
  /** Generations that may wait for a slot; past that admission answers 503 with Retry-After. */
  readonly maxQueued: number;
  readonly logger?: Logger;
}

/**
 * Owns the generations of one process: admission (bounded queue, concurrency limit), the registry of
 * live generations (their event streams, cancellation), and graceful shutdown.
 */
export class GenerationSupervisor {
  constructor(readonly options: GenerationSupervisorOptions) {}

  /** Generations running now. */
  get running(): number {
    return 0;
  }

  /** Generations waiting for a slot. */
  get queued(): number {
    return 0;
  }

  /** Whether new generations are refused (shutting down). */
  get draining(): boolean {
    return false;
  }

  /**
   * Stops admitting (new requests get 503 `shutting_down`), lets running and queued generations finish for
   * up to `graceMs`, then stops the rest so each is recorded `failed / interrupted` with what it finished,
   * and resolves once every record is written.
   */
  async shutdown(graceMs: number): Promise<void> {
    void graceMs;
  }
}
