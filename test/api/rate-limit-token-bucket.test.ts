import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { takeToken, type TokenBucketPolicy, type TokenBucketState } from '../../src/api/limits/token-bucket.js';

const policyArbitrary = fc.record({ capacity: fc.integer({ min: 1, max: 1000 }), perMinute: fc.integer({ min: 1, max: 100_000 }) }).map(
  ({ capacity, perMinute }): TokenBucketPolicy => ({ capacity, refillPerMs: perMinute / 60_000 }),
);

/** Runs requests at the given gaps (ms) through one bucket; answers what each got. */
function run(policy: TokenBucketPolicy, gapsMs: readonly number[]): { allowed: boolean; retryAfterMs: number; atMs: number; state: TokenBucketState }[] {
  let state: TokenBucketState | undefined;
  let now = 0;
  return gapsMs.map((gap) => {
    now += gap;
    const taken = takeToken(state, policy, now);
    state = taken.state;
    return { ...taken, atMs: now };
  });
}

describe('takeToken (token bucket)', () => {
  it('lets a full bucket of requests through at once, then refuses the next', () => {
    // Act
    const outcomes = run({ capacity: 3, refillPerMs: 1 / 1000 }, [0, 0, 0, 0]);
    // Assess
    expect(outcomes.map((outcome) => outcome.allowed)).toEqual([true, true, true, false]);
    expect(outcomes[3]!.retryAfterMs).toBe(1000);
  });

  it('never lets more through in a window than the burst plus what refills in it (property)', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }), (policy, gaps) => {
        const outcomes = run(policy, gaps);
        const allowed = outcomes.filter((outcome) => outcome.allowed);
        const span = outcomes.at(-1)!.atMs - outcomes[0]!.atMs;
        expect(allowed.length).toBeLessThanOrEqual(policy.capacity + Math.floor(span * policy.refillPerMs + 1e-9));
      }),
    );
  });

  it('keeps its tokens between 0 and the capacity (property)', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 200 }), (policy, gaps) => {
        for (const { state } of run(policy, gaps)) {
          expect(state.tokens).toBeGreaterThanOrEqual(0);
          expect(state.tokens).toBeLessThanOrEqual(policy.capacity);
        }
      }),
    );
  });

  it('refuses with a Retry-After after which the next request is let through, and not a millisecond before (property)', () => {
    // found by this property: 15 per minute, requests at 0, 993 and 1140 ms; (1 - 0.285) / 0.00025 came out 2860.0000000000005
    const policy = { capacity: 1, refillPerMs: 15 / 60_000 };
    const refused = run(policy, [0, 993, 147])[2]!;
    expect(refused.retryAfterMs).toBe(2860);
    expect(takeToken(refused.state, policy, refused.atMs + refused.retryAfterMs - 1).allowed).toBe(false);
    expect(takeToken(refused.state, policy, refused.atMs + refused.retryAfterMs).allowed).toBe(true);
    fc.assert(
      fc.property(policyArbitrary, fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 200 }), (policy, gaps) => {
        for (const outcome of run(policy, gaps)) {
          if (outcome.allowed) {
            expect(outcome.retryAfterMs).toBe(0);
            continue;
          }
          expect(outcome.retryAfterMs).toBeGreaterThan(0);
          expect(takeToken(outcome.state, policy, outcome.atMs + outcome.retryAfterMs).allowed).toBe(true);
          if (outcome.retryAfterMs > 1) expect(takeToken(outcome.state, policy, outcome.atMs + outcome.retryAfterMs - 1).allowed).toBe(false);
        }
      }),
    );
  });

  it('lets a steady client at the refill rate through for good (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 500 }), (perMinute, requests) => {
        const policy = { capacity: perMinute, refillPerMs: perMinute / 60_000 };
        const gap = Math.ceil(60_000 / perMinute);
        expect(run(policy, Array(requests).fill(gap)).every((outcome) => outcome.allowed)).toBe(true);
      }),
    );
  });
});
