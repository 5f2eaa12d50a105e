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

describe('RunControl stop kinds', () => {
  it('stops softly on a stop signal: nothing new starts, in-flight calls keep their signal', () => {
    // Prepare
    const stop = new AbortController();
    const control = new RunControl(() => 0, undefined, undefined, stop.signal);
    // Act
    stop.abort('cancelled');
    control.dispose();
    // Assess
    expect(control.stopped()).toBe(true);
    expect(control.reason).toBe('cancelled');
    expect(control.stopSignal.aborted).toBe(true);
    expect(control.signal.aborted).toBe(false);
  });

  it('aborts in-flight calls for a shutdown even when it comes on the stop signal', () => {
    // Prepare
    const stop = new AbortController();
    const control = new RunControl(() => 0, undefined, undefined, stop.signal);
    // Act
    stop.abort('shutdown');
    control.dispose();
    // Assess
    expect(control.reason).toBe('shutdown');
    expect(control.signal.aborted).toBe(true);
  });

  it('stops starting work for a deadline it cannot meet without aborting what runs', () => {
    // Prepare
    const control = new RunControl(() => 0, 1000, undefined);
    // Act
    control.stopStartingForDeadline();
    control.dispose();
    // Assess
    expect(control.reason).toBe('deadline');
    expect(control.stopSignal.aborted).toBe(true);
    expect(control.signal.aborted).toBe(false);
  });
});
