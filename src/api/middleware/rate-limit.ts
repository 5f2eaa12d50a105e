import type { MiddlewareHandler } from 'hono';
import type {} from '../auth/index.js';
import { TooManyRequestsError } from '../http-errors.js';
import { takeToken, type TokenBucketState } from '../limits/token-bucket.js';

/** Options of the rate limit. */
export interface RateLimitOptions {
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
}

/**
 * Requests per minute per tenant (`c.get('limits').ratePerMinute`, a token bucket that holds a minute's
 * worth, so a burst may spend it at once), in this process only: on Lambda every instance has its own
 * buckets (best-effort; the function's reserved concurrency is the hard cap). Over the limit: 429
 * `rate_limited` with `Retry-After`, the seconds until the next token. Goes after `authenticate`.
 */
export const rateLimit = (options: RateLimitOptions = {}): MiddlewareHandler => {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, TokenBucketState>();
  return async function rateLimit(c, next) {
    const perMinute = c.get('limits').ratePerMinute;
    if (!Number.isFinite(perMinute)) return next();
    const tenant = c.get('tenant');
    const taken = takeToken(buckets.get(tenant), { capacity: perMinute, refillPerMs: perMinute / 60_000 }, now());
    buckets.set(tenant, taken.state);
    if (!taken.allowed) {
      throw new TooManyRequestsError('rate_limited', `tenant ${tenant} is over its limit of ${perMinute} requests per minute; retry after Retry-After seconds`, perMinute, taken.retryAfterMs / 1000);
    }
    return next();
  };
};
