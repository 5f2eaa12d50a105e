import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../../src/engine/fan-out/concurrency-limiter.js';
import { AbortedError } from '../../../src/ports/index.js';

/** A promise with its resolve function, to hold tasks open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('ConcurrencyLimiter', () => {
  it('runs at most maxConcurrency tasks at once, in arrival order', async () => {
    // Prepare
    const limiter = new ConcurrencyLimiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    let peak = 0;

    // Act
    const runs = gates.map((entry, index) =>
      limiter.run(async () => {
        started.push(index);
        peak = Math.max(peak, limiter.running);
        await entry.promise;
      }),
    );
    await Promise.resolve();
    const startedFirst = [...started];
    gates.forEach((entry) => entry.open());
    await Promise.all(runs);

    // Assess
    expect(startedFirst).toEqual([0, 1]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(limiter.running).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    // Prepare
    const limiter = new ConcurrencyLimiter(1);

    // Act
    const failing = limiter.run(() => Promise.reject(new Error('boom')));
    const next = limiter.run(() => Promise.resolve('ok'));

    // Assess
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('takes a waiting task out of the queue when its signal aborts', async () => {
    // Prepare
    const limiter = new ConcurrencyLimiter(1);
    const holder = gate();
    const controller = new AbortController();
    const first = limiter.run(() => holder.promise);
    let ran = false;

    // Act
    const waiting = limiter.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    holder.open();
    await first;

    // Assess
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(ran).toBe(false);
    expect(limiter.running).toBe(0);
  });
});
