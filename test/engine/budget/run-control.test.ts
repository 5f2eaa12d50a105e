import { describe, expect, it } from 'vitest';
import { RunControl } from '../../../src/engine/budget/run-control.js';

describe('RunControl', () => {
  it('stops on the deadline measured with the injected clock', () => {
    // Prepare
    let now = 1000;
    const control = new RunControl(() => now, 500, undefined);

    // Act
    const before = control.stopped();
    now = 1500;
    const after = control.stopped();
    control.dispose();

    // Assess
    expect(before).toBe(false);
    expect(after).toBe(true);
    expect(control.reason).toBe('deadline');
    expect(control.signal.aborted).toBe(true);
  });

  it("aborts its signal when the client's signal aborts", () => {
    // Prepare
    const client = new AbortController();
    const control = new RunControl(() => 0, undefined, client.signal);

    // Act
    client.abort();
    control.dispose();

    // Assess
    expect(control.reason).toBe('client');
    expect(control.signal.aborted).toBe(true);
  });

  it('never stops without a deadline or a client abort', () => {
    // Prepare
    let now = 0;
    const control = new RunControl(() => now, undefined, undefined);

    // Act
    now = 1e9;
    const stopped = control.stopped();
    control.dispose();

    // Assess
    expect(stopped).toBe(false);
  });
});
