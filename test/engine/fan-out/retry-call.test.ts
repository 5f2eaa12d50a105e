import { describe, expect, it } from 'vitest';
import { isRetryableError, retryCall } from '../../../src/engine/fan-out/retry-call.js';
import { BackendCallError } from '../../../src/ports/index.js';

const retryable = (): BackendCallError => new BackendCallError({ backend: 'test', message: 'busy', statusCode: 503 });
const final = (): BackendCallError => new BackendCallError({ backend: 'test', message: 'bad', statusCode: 400 });

describe('retryCall', () => {
  it('retries a retryable error up to twice and returns the success', async () => {
    // Prepare
    let attempts = 0;

    // Act
    const value = await retryCall(
      async () => {
        attempts += 1;
        if (attempts < 3) throw retryable();
        return 'done';
      },
      { signal: new AbortController().signal, baseDelayMs: 1 },
    );

    // Assess
    expect(value).toBe('done');
    expect(attempts).toBe(3);
  });

  it('gives up after two retries', async () => {
    // Prepare
    let attempts = 0;

    // Act
    const run = retryCall(
      async () => {
        attempts += 1;
        throw retryable();
      },
      { signal: new AbortController().signal, baseDelayMs: 1 },
    );

    // Assess
    await expect(run).rejects.toThrow('busy');
    expect(attempts).toBe(3);
  });

  it('never retries an error that is not retryable', async () => {
    // Prepare
    let attempts = 0;

    // Act
    const run = retryCall(
      async () => {
        attempts += 1;
        throw final();
      },
      { signal: new AbortController().signal, baseDelayMs: 1 },
    );

    // Assess
    await expect(run).rejects.toThrow('bad');
    expect(attempts).toBe(1);
  });
});

describe('isRetryableError', () => {
  it('reads the isRetryable flag and nothing else', () => {
    // Act
    const flags = [retryable(), final(), new Error('plain'), { isRetryable: true }, null].map(isRetryableError);

    // Assess
    expect(flags).toEqual([true, false, false, true, false]);
  });
});
