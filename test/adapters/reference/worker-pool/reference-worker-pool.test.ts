import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReferenceWorkerPool } from '../../../../src/adapters/reference/worker-pool/reference-worker-pool.js';
import { BackendCallError } from '../../../../src/ports/errors.js';

/** A pool whose threads run a stand-in worker module (plain JavaScript, no loader). */
function poolRunning(source: string): ReferenceWorkerPool {
  const directory = mkdtempSync(join(tmpdir(), 'diffalign-worker-'));
  const filename = join(directory, 'worker.mjs');
  writeFileSync(filename, source);
  return new ReferenceWorkerPool({ threads: 1, thread: { filename, execArgv: [] } });
}

describe('ReferenceWorkerPool', () => {
  const pools: ReferenceWorkerPool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });

  it('refuses a thread count that is not a positive integer', () => {
    // Act & Assess
    expect(() => new ReferenceWorkerPool({ threads: 0 })).toThrow(RangeError);
    expect(() => new ReferenceWorkerPool({ threads: 2.5 })).toThrow(RangeError);
  });

  it('starts no thread before the first call or warmUp', () => {
    // Act
    const pool = new ReferenceWorkerPool({ threads: 2 });
    pools.push(pool);

    // Assess
    expect(pool.threadIds()).toEqual([]);
  });

  it('answers a thread that dies mid-task with a retryable BackendCallError, and replaces the thread', async () => {
    // Prepare
    const pool = poolRunning('export const serveReferenceTask = (task) => { if (task.kind === "generate") process.exit(3); return { kind: "warm-up", threadId: 0 }; };');
    pools.push(pool);
    await pool.warmUp();

    // Act
    const error = await pool.run({ kind: 'generate', item: { prompt: 'a dog', noise: { terms: [{ seed: 1, weight: 1 }] }, steps: 1, guidance: 1, width: 64, height: 64, format: 'png' } }).catch((caught: unknown) => caught);
    const next = await pool.run({ kind: 'warm-up' });

    // Assess
    expect(error).toBeInstanceOf(BackendCallError);
    expect(error).toMatchObject({ isRetryable: true, backend: 'reference-worker-pool' });
    expect(next.kind).toBe('warm-up');
  });

  it('rejects a reply of the wrong kind as a BackendCallError', async () => {
    // Prepare
    const pool = poolRunning('export const serveReferenceTask = () => ({ kind: "warm-up", threadId: 0 });');
    pools.push(pool);

    // Act
    const error = await pool.run({ kind: 'score', model: 'geneval', items: [] }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BackendCallError);
  });
});
