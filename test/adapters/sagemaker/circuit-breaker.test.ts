import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/adapters/sagemaker/circuit-breaker.js';
import { CircuitOpenError } from '../../../src/ports/errors.js';

function clock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/** Runs one admitted call with the given outcome. */
function call(breaker: CircuitBreaker, outcome: 'success' | 'failure' | 'neutral'): void {
  const probe = breaker.enter();
  breaker.settle(outcome, probe, `call ${outcome}`);
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and fails fast with the endpoint and last failure', () => {
    // Prepare
    const time = clock();
    const breaker = new CircuitBreaker('SageMaker endpoint g', { failureThreshold: 3, cooldownMs: 1000, now: time.now });
    // Act
    call(breaker, 'failure');
    call(breaker, 'failure');
    call(breaker, 'failure');
    // Assess
    expect(breaker.state).toBe('open');
    expect(() => breaker.enter()).toThrow(CircuitOpenError);
    expect(() => breaker.enter()).toThrow(/circuit open for SageMaker endpoint g: 3 consecutive failed calls \(last: call failure\); calls fail fast, next probe in 1000 ms/);
  });

  it('resets the count on a success', () => {
    // Prepare
    const breaker = new CircuitBreaker('e', { failureThreshold: 2 });
    // Act
    call(breaker, 'failure');
    call(breaker, 'success');
    call(breaker, 'failure');
    // Assess
    expect(breaker.state).toBe('closed');
  });

  it('ignores neutral outcomes (aborts, the caller\'s own bad requests)', () => {
    // Prepare
    const breaker = new CircuitBreaker('e', { failureThreshold: 2 });
    // Act
    call(breaker, 'failure');
    call(breaker, 'neutral');
    call(breaker, 'neutral');
    // Assess
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the cool-down: success closes, failure re-opens', () => {
    // Prepare
    const time = clock();
    const breaker = new CircuitBreaker('e', { failureThreshold: 1, cooldownMs: 100, now: time.now });
    call(breaker, 'failure');
    time.advance(100);
    // Act
    expect(breaker.state).toBe('half_open');
    const probe = breaker.enter();
    // Assess: a second caller fails fast while the probe is in flight
    expect(probe).toBe(true);
    expect(() => breaker.enter()).toThrow(/a probe call is in flight/);
    breaker.settle('failure', probe, 'still down');
    expect(breaker.state).toBe('open');
    time.advance(100);
    call(breaker, 'success');
    expect(breaker.state).toBe('closed');
  });

  it('lets the next caller probe when a probe ends neutral', () => {
    // Prepare
    const time = clock();
    const breaker = new CircuitBreaker('e', { failureThreshold: 1, cooldownMs: 10, now: time.now });
    call(breaker, 'failure');
    time.advance(10);
    // Act
    breaker.settle('neutral', breaker.enter());
    // Assess
    expect(breaker.state).toBe('half_open');
    expect(breaker.enter()).toBe(true);
  });
});
