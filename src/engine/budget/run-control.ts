import { AbortedError } from '../../ports/index.js';
import type { StopReason } from '../generation-plan.js';

const STOP_REASONS: readonly StopReason[] = ['deadline', 'client', 'cancelled', 'shutdown'];

/** Whether a stop reason aborts in-flight calls (deadline, shutdown) or lets them finish (client, cancelled). */
export function abortsInFlight(reason: StopReason): boolean {
  return reason === 'deadline' || reason === 'shutdown';
}

/** The StopReason an aborted signal carries (its `reason` when that is one), else `fallback`. */
export function stopReasonOf(signal: AbortSignal, fallback: StopReason): StopReason {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string' && (STOP_REASONS as readonly string[]).includes(reason)) return reason as StopReason;
  if (reason instanceof AbortedError && reason.stopReason) return reason.stopReason;
  return fallback;
}

/**
 * The stop signals of one request. `signal` (hard) reaches every port call and fires on the deadline
 * (timer, and checked against the injected clock), on shutdown, or on the caller's abort signal.
 * `stopSignal` (soft) fires for every reason: queued calls leave their queues and nothing new starts,
 * while calls already running finish unless the hard signal fires too.
 */
export class RunControl {
  readonly signal: AbortSignal;
  readonly stopSignal: AbortSignal;
  private readonly hard = new AbortController();
  private readonly soft = new AbortController();
  private readonly startedAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reasonValue: StopReason | null = null;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly now: () => number,
    private readonly deadlineMs: number | undefined,
    abortSignal: AbortSignal | undefined,
    stopSignal?: AbortSignal,
  ) {
    this.signal = this.hard.signal;
    this.stopSignal = this.soft.signal;
    this.startedAt = now();
    this.follow(abortSignal, true);
    this.follow(stopSignal, false);
    if (deadlineMs !== undefined && this.reasonValue === null) {
      this.timer = setTimeout(() => this.stop('deadline'), Math.max(0, deadlineMs));
    }
  }

  /** Milliseconds since the request started (injected clock). */
  elapsed(): number {
    return this.now() - this.startedAt;
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  timeLeft(): number {
    return this.deadlineMs === undefined ? Number.POSITIVE_INFINITY : this.deadlineMs - this.elapsed();
  }

  /** Whether work must stop now (stops on the deadline when the injected clock is past it). */
  stopped(): boolean {
    if (this.deadlineMs !== undefined && this.elapsed() >= this.deadlineMs) this.stop('deadline');
    return this.reasonValue !== null;
  }

  /** Why the request stopped early, or null. */
  get reason(): StopReason | null {
    return this.reasonValue;
  }

  /**
   * Stops the run: always softly (nothing new starts); hard (in-flight calls aborted) when the reason
   * aborts in flight or `hard` is set. The first reason is the one reported; a later hard stop still aborts.
   */
  stop(reason: StopReason, hard: boolean = abortsInFlight(reason)): void {
    if (this.reasonValue === null) this.reasonValue = reason;
    const error = new AbortedError(stopMessage(reason, this.deadlineMs), { stopReason: reason });
    if (!this.soft.signal.aborted) this.soft.abort(error);
    if (hard && !this.hard.signal.aborted) this.hard.abort(error);
  }

  /** Stops softly for the deadline because no more work can finish before it (in-flight calls go on). */
  stopStartingForDeadline(): void {
    this.stop('deadline', false);
  }

  /** Releases the timer and the listeners on the caller's signals. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const remove of this.listeners) remove();
  }

  private follow(source: AbortSignal | undefined, hard: boolean): void {
    if (!source) return;
    const onAbort = (): void => {
      const reason = stopReasonOf(source, 'client');
      this.stop(reason, hard || abortsInFlight(reason));
    };
    if (source.aborted) {
      onAbort();
      return;
    }
    source.addEventListener('abort', onAbort, { once: true });
    this.listeners.push(() => source.removeEventListener('abort', onAbort));
  }
}

function stopMessage(reason: StopReason, deadlineMs: number | undefined): string {
  switch (reason) {
    case 'deadline':
      return `deadline of ${deadlineMs} ms reached`;
    case 'client':
      return 'client went away';
    case 'cancelled':
      return 'generation cancelled';
    case 'shutdown':
      return 'server shutting down';
  }
}
