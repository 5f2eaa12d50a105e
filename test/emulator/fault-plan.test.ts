import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulator/fault-plan.js';

const body = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('FaultInjector', () => {
  it('decides rates from (seed, rule, endpoint, body, attempt) alone: the same calls get the same faults in any order', () => {
    // Prepare
    const plan = { seed: 42, rules: [{ fault: 'throttle' as const, rate: 0.2 }] };
    const calls = Array.from({ length: 500 }, (_, index) => ({ endpoint: 'g', attempt: 1 + (index % 3), body: body(`{"seed":${index}}`) }));
    // Act
    const forward = calls.map((call) => new FaultInjector(plan).decide(call).fault !== undefined);
    const injector = new FaultInjector(plan);
    const backward = [...calls].reverse().map((call) => injector.decide(call).fault !== undefined).reverse();
    // Assess
    expect(backward).toEqual(forward);
    const rate = forward.filter(Boolean).length / forward.length;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.25);
  });

  it('draws another schedule for another seed', () => {
    // Prepare
    const calls = Array.from({ length: 200 }, (_, index) => ({ endpoint: 'g', attempt: 1, body: body(String(index)) }));
    const schedule = (seed: number): boolean[] => calls.map((call) => new FaultInjector({ seed, rules: [{ fault: 'hang', rate: 0.5 }] }).decide(call).fault !== undefined);
    // Assess
    expect(schedule(1)).not.toEqual(schedule(2));
  });

  it('matches endpoint, attempts, body text and count', () => {
    // Prepare
    const injector = new FaultInjector({
      rules: [
        { fault: 'model_error', endpoint: 'scorer', count: 1 },
        { fault: 'throttle', attempts: [1] },
        { fault: 'internal_failure', match: '"seed":7' },
      ],
    });
    // Act
    const decide = (endpoint: string, attempt: number, text = '{}') => injector.decide({ endpoint, attempt, body: body(text) }).fault?.fault;
    // Assess
    expect(decide('scorer', 3)).toBe('model_error');
    expect(decide('scorer', 3)).toBeUndefined();
    expect(decide('generator', 1)).toBe('throttle');
    expect(decide('generator', 2)).toBeUndefined();
    expect(decide('generator', 2, '{"seed":7}')).toBe('internal_failure');
  });

  it('adds up latencies and keeps the first other fault', () => {
    // Prepare
    const injector = new FaultInjector({ rules: [{ fault: 'latency', latencyMs: 30 }, { fault: 'service_unavailable' }, { fault: 'latency', latencyMs: 20 }, { fault: 'hang' }] });
    // Act
    const decision = injector.decide({ endpoint: 'g', attempt: 1, body: body('') });
    // Assess
    expect(decision.latencyMs).toBe(50);
    expect(decision.fault?.fault).toBe('service_unavailable');
  });

  it('rejects a plan with an unknown fault', () => {
    expect(() => new FaultInjector({ rules: [{ fault: 'explode' }] } as never)).toThrow();
  });
});
