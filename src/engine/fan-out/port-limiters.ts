import { ConcurrencyLimiter } from './concurrency-limiter.js';

const limiters = new WeakMap<object, ConcurrencyLimiter>();

/**
 * The limiter of one port instance, shared by every request of the process, so a port's
 * `maxConcurrency` holds across concurrent generations and not only within one.
 */
export function limiterFor(port: { readonly maxConcurrency: number }): ConcurrencyLimiter {
  let limiter = limiters.get(port);
  if (!limiter) {
    limiter = new ConcurrencyLimiter(port.maxConcurrency);
    limiters.set(port, limiter);
  }
  return limiter;
}
