/** Weight of the newest observation in the moving averages. */
const SMOOTHING = 0.3;

/**
 * Moving averages of how long a port takes per unit of work (per item-step for a generator, per item for a
 * scorer), one per port instance and shared by every request of the process, so the scheduler can decide
 * whether a call can still finish before a request's deadline. Unknown until the port's first call returns.
 */
export class LatencyEstimate {
  private perUnitMs: number | undefined;

  /** Records that a call of `units` units took `ms`. */
  observe(units: number, ms: number): void {
    if (!(units > 0) || !Number.isFinite(ms) || ms < 0) return;
    const sample = ms / units;
    this.perUnitMs = this.perUnitMs === undefined ? sample : SMOOTHING * sample + (1 - SMOOTHING) * this.perUnitMs;
  }

  /** Expected milliseconds of a call of `units` units, or undefined before any observation. */
  expectedMs(units: number): number | undefined {
    return this.perUnitMs === undefined ? undefined : this.perUnitMs * units;
  }
}

const estimates = new WeakMap<object, LatencyEstimate>();

/** The latency estimate of one port instance (created on first use). */
export function latencyOf(port: object): LatencyEstimate {
  let estimate = estimates.get(port);
  if (!estimate) {
    estimate = new LatencyEstimate();
    estimates.set(port, estimate);
  }
  return estimate;
}
