import { CircuitOpenError } from '../../ports/errors.js';

/** Settings of a circuit breaker. */
export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit (default 5). */
  readonly failureThreshold?: number;
  /** How long an open circuit fails calls fast before one probe call may go through (default 30 s). */
  readonly cooldownMs?: number;
  readonly now?: () => number;
}

/** How a call that went through the breaker ended. */
export type CallOutcome = 'success' | 'failure' | 'neutral';

/**
 * A per-endpoint circuit breaker: after `failureThreshold` consecutive failed calls it opens and fails
 * calls fast (CircuitOpenError, naming the endpoint and the last failure) for `cooldownMs`; then one
 * probe call goes through (half-open) — its success closes the circuit, its failure opens it again.
 * `neutral` outcomes (the caller aborted, the caller's own bad request) change nothing.
 * Hand-written (about 50 lines) because no breaker library is installed here and none may be added.
 */
export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;
  private lastFailure = '';

  constructor(readonly name: string, options: CircuitBreakerOptions = {}) {
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 5);
    this.cooldownMs = Math.max(0, options.cooldownMs ?? 30_000);
    this.now = options.now ?? Date.now;
  }

  get state(): 'closed' | 'open' | 'half_open' {
    if (this.openedAt === undefined) return 'closed';
    return this.now() < this.openedAt + this.cooldownMs || this.probing ? 'open' : 'half_open';
  }

  /** Admits a call, or throws CircuitOpenError; returns whether the call is the half-open probe. */
  enter(): boolean {
    if (this.openedAt === undefined) return false;
    const retryAt = this.openedAt + this.cooldownMs;
    if (this.now() < retryAt || this.probing) {
      const wait = Math.max(0, retryAt - this.now());
      throw new CircuitOpenError({
        backend: this.name,
        retryAt,
        message: `circuit open for ${this.name}: ${this.failures} consecutive failed calls (last: ${this.lastFailure}); calls fail fast, ${this.probing ? 'a probe call is in flight' : `next probe in ${wait} ms`}`,
      });
    }
    this.probing = true;
    return true;
  }

  /** Records how an admitted call ended (`probe`: what `enter` returned for it). */
  settle(outcome: CallOutcome, probe: boolean, failureMessage = ''): void {
    if (probe) this.probing = false;
    if (outcome === 'success') {
      this.failures = 0;
      this.openedAt = undefined;
    } else if (outcome === 'failure') {
      this.failures += 1;
      this.lastFailure = failureMessage;
      if (probe || (this.openedAt === undefined && this.failures >= this.failureThreshold)) this.openedAt = this.now();
    }
  }
}
