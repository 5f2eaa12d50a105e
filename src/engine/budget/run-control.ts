import { setMaxListeners } from 'node:events';
import { AbortedError } from '../../ports/index.js';

/** Why a request stopped before its work was done. */
export type StopReason = 'deadline' | 'client';

/**
 * One AbortSignal for a request that fires on its deadline (timer, and checked against the injected
 * clock) or when the client's signal aborts; every port call of the request receives it.
 */
export class RunControl {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly startedAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reasonValue: StopReason | null = null;
  private readonly onClientAbort = (): void => this.stop('client');

  constructor(
    private readonly now: () => number,
    private readonly deadlineMs: number | undefined,
    private readonly clientSignal: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal;
    // every in-flight port call and queued task listens to this one signal
    setMaxListeners(0, this.signal);
    this.startedAt = now();
    if (clientSignal?.aborted) this.stop('client');
    else clientSignal?.addEventListener('abort', this.onClientAbort, { once: true });
    if (deadlineMs !== undefined && this.reasonValue === null) {
      this.timer = setTimeout(() => this.stop('deadline'), Math.max(0, deadlineMs));
    }
  }

  /** Milliseconds since the request started (injected clock). */
  elapsed(): number {
    return this.now() - this.startedAt;
  }

  /** Whether work must stop now (aborts the signal when the injected clock is past the deadline). */
  stopped(): boolean {
    if (this.reasonValue === null && this.deadlineMs !== undefined && this.elapsed() >= this.deadlineMs) this.stop('deadline');
    return this.reasonValue !== null;
  }

  /** Why the request stopped early, or null. */
  get reason(): StopReason | null {
    return this.reasonValue;
  }

  /** Releases the timer and the listener on the client's signal. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.clientSignal?.removeEventListener('abort', this.onClientAbort);
  }

  private stop(reason: StopReason): void {
    if (this.reasonValue !== null) return;
    this.reasonValue = reason;
    const message = reason === 'deadline' ? `deadline of ${this.deadlineMs} ms reached` : 'client went away';
    this.controller.abort(new AbortedError(message));
  }
}
