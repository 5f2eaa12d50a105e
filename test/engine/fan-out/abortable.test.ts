import { describe, expect, it } from 'vitest';
import { abortableDelay, raceAbort } from '../../../src/engine/fan-out/abortable.js';
import { AbortedError } from '../../../src/ports/index.js';

describe('raceAbort', () => {
  it('rejects with AbortedError as soon as the signal aborts, even if the work never ends', async () => {
    // Prepare
    const controller = new AbortController();
    const never = new Promise<string>(() => undefined);

    // Act
    const raced = raceAbort(never, controller.signal);
    controller.abort(new AbortedError('deadline of 10 ms reached'));

    // Assess
    await expect(raced).rejects.toThrow('deadline of 10 ms reached');
  });

  it('passes the value through when the work ends first', async () => {
    // Act
    const value = await raceAbort(Promise.resolve(3), new AbortController().signal);

    // Assess
    expect(value).toBe(3);
  });
});

describe('abortableDelay', () => {
  it('ends early with AbortedError when aborted', async () => {
    // Prepare
    const controller = new AbortController();

    // Act
    const delay = abortableDelay(60_000, controller.signal);
    controller.abort();

    // Assess
    await expect(delay).rejects.toBeInstanceOf(AbortedError);
  });
});
