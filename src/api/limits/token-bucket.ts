/**
 * A token bucket as a pure function of (state, policy, now). Kept here instead of a library: `limiter`'s
 * TokenBucket reads the wall clock itself (no injected clock, so no exact Retry-After under test) and
 * `rate-limiter-flexible`'s memory limiter counts fixed windows, not a bucket; this is a few lines with
 * property tests (test/api/rate-limit-token-bucket.test.ts), no dependency, and runs on every runtime.
 */

/** What a bucket holds between calls. */
export interface TokenBucketState {
  readonly tokens: number;
  readonly updatedAtMs: number;
}

/** Size and refill of a bucket. */
export interface TokenBucketPolicy {
  /** Most tokens it holds (the burst). */
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly refillPerMs: number;
}

/** The outcome of taking one token. */
export interface TokenBucketTake {
  readonly allowed: boolean;
  readonly state: TokenBucketState;
  /** When refused: milliseconds until a token is there (0 when allowed). */
  readonly retryAfterMs: number;
}

/** Takes one token from the bucket at `nowMs` (a missing state is a full bucket); the clock may not go back. */
export function takeToken(state: TokenBucketState | undefined, policy: TokenBucketPolicy, nowMs: number): TokenBucketTake {
  const elapsed = state ? Math.max(0, nowMs - state.updatedAtMs) : 0;
  const tokens = Math.min(policy.capacity, state ? state.tokens + elapsed * policy.refillPerMs : policy.capacity);
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, updatedAtMs: nowMs }, retryAfterMs: 0 };
  // the first whole millisecond at which a token is there, as the refill above computes it (division may round either way)
  let wait = Math.max(1, Math.ceil((1 - tokens) / policy.refillPerMs));
  while (tokens + wait * policy.refillPerMs < 1) wait += 1;
  while (wait > 1 && tokens + (wait - 1) * policy.refillPerMs >= 1) wait -= 1;
  return { allowed: false, state: { tokens, updatedAtMs: nowMs }, retryAfterMs: wait };
}
