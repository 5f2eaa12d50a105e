import { Piscina } from 'piscina';
// sharp's shared libraries must be loaded by the main thread before worker threads load it
// (glibc Linux), so they stay mapped until every thread has exited.
import 'sharp';
import { AbortedError, BackendCallError } from '../../../ports/errors.js';
import { REFERENCE_WORKER_HANDLER, type ReferenceWorkerOutcome, type ReferenceWorkerReply, type ReferenceWorkerTask, type ReferenceWorkerTaskKind } from './reference-worker-protocol.js';
import { reviveError } from './serialized-error.js';
import { referenceWorkerThreadOptions, type WorkerThreadOptions } from './worker-thread-options.js';

/** Options of a reference worker pool. */
export interface ReferenceWorkerPoolOptions {
  /** Worker threads (at least 1); each holds its own generator and scorers. */
  readonly threads: number;
  /** Where the worker module is and how threads start (default: next to this module, tsx when from source). */
  readonly thread?: WorkerThreadOptions;
}

const BACKEND = 'reference-worker-pool';

/**
 * A fixed set of worker threads running the reference generator and scorers (piscina), so their CPU
 * work never blocks the main thread's event loop. Threads start on the first call or `warmUp()` and
 * live until `close()`; idle threads do not keep the process alive. Aborting a call's signal
 * terminates the thread running it (piscina replaces it) or takes it off the queue.
 */
export class ReferenceWorkerPool {
  readonly threads: number;
  private readonly threadOptions: WorkerThreadOptions;
  private piscina: Piscina | undefined;
  private closed = false;

  constructor(options: ReferenceWorkerPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
    this.threads = options.threads;
    this.threadOptions = options.thread ?? referenceWorkerThreadOptions();
  }

  /** Runs one task on a free thread; rejects with AbortedError on abort (or close) and the task's own typed error on failure. */
  async run<K extends ReferenceWorkerTaskKind>(task: ReferenceWorkerTask<K> & { readonly kind: K }, abortSignal?: AbortSignal): Promise<ReferenceWorkerReply<K>> {
    if (abortSignal?.aborted) throw new AbortedError(`${task.kind} aborted`, { cause: abortSignal.reason });
    const piscina = this.started();
    let outcome: ReferenceWorkerOutcome;
    try {
      outcome = await piscina.run(task, abortSignal === undefined ? {} : { signal: abortSignal });
    } catch (error) {
      if (abortSignal?.aborted) throw new AbortedError(`${task.kind} aborted`, { cause: abortSignal.reason });
      if (this.closed) throw new AbortedError('reference worker pool closed', { cause: error });
      throw new BackendCallError({ backend: BACKEND, message: `reference worker thread failed: ${error instanceof Error ? error.message : String(error)}`, isRetryable: true, cause: error });
    }
    if (outcome.kind === 'error') throw reviveError(outcome.error);
    if (outcome.kind !== task.kind) throw new BackendCallError({ backend: BACKEND, message: `reference worker answered a ${task.kind} task with ${outcome.kind}` });
    return outcome as ReferenceWorkerReply<K>;
  }

  /** Starts every thread and waits until each has loaded its modules and models. */
  async warmUp(): Promise<void> {
    this.started();
    await Promise.all(Array.from({ length: this.threads }, () => this.run({ kind: 'warm-up' })));
  }

  /** Thread ids of the pool's current threads (empty before the first call and after close). */
  threadIds(): number[] {
    return (this.piscina?.threads ?? []).map((thread) => thread.threadId);
  }

  /** Terminates the threads; calls in flight or made later reject with AbortedError. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const piscina = this.piscina;
    this.piscina = undefined;
    await piscina?.destroy();
  }

  /** The piscina pool, created on first use. */
  private started(): Piscina {
    if (this.closed) throw new AbortedError('reference worker pool closed');
    if (this.piscina !== undefined) return this.piscina;
    const piscina = new Piscina({
      filename: this.threadOptions.filename,
      name: REFERENCE_WORKER_HANDLER,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Infinity,
      recordTiming: false,
      execArgv: this.threadOptions.execArgv,
    });
    // Task failures reach their callers; what piscina emits besides (a thread dying while idle,
    // which it replaces) must not crash the process as an unhandled 'error' event.
    piscina.on('error', () => {});
    this.piscina = piscina;
    return piscina;
  }
}
