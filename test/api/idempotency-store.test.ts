import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { IdempotencyStore } from '../../src/api/idempotency/idempotency-store.js';
import { InstanceLiveness } from '../../src/records/instance-liveness.js';

const policy = { ttlSeconds: 86_400, inProgressTtlSeconds: 600 };

describe('IdempotencyStore', () => {
  it('frees a key at once when the process that claimed it is gone', async () => {
    // Prepare: two processes on one host sharing a store; the first dies after claiming
    const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-idem-store-')));
    let firstAlive = true;
    const isProcessAlive = (pid: number): boolean => (pid === 1001 ? firstAlive : true);
    const first = new InstanceLiveness(store, 'first', 60_000, { pid: 1001, host: 'h', isProcessAlive });
    const second = new InstanceLiveness(store, 'second', 60_000, { pid: 1002, host: 'h', isProcessAlive });
    const claimed = await new IdempotencyStore(store, policy, { liveness: first }).claim('t', 'key', 'hash');
    const other = new IdempotencyStore(store, policy, { liveness: second });
    // Act
    const whileAlive = await other.claim('t', 'key', 'hash');
    firstAlive = false;
    const afterCrash = await other.claim('t', 'key', 'hash');
    await first.stop();
    await second.stop();
    // Assess
    expect(claimed.kind).toBe('started');
    expect(whileAlive.kind).toBe('in_progress');
    expect(afterCrash.kind).toBe('started');
  });

  it('forgets a completed key after its time to live', async () => {
    // Prepare
    let now = 0;
    const idempotency = new IdempotencyStore(new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-idem-ttl-'))), policy, { now: () => now });
    await idempotency.claim('t', 'key', 'hash');
    await idempotency.complete('t', 'key', 'hash', { status: 200, headers: {}, body: '{}' });
    // Act
    now = 86_399_000;
    const within = await idempotency.claim('t', 'key', 'other');
    now = 86_401_000;
    const after = await idempotency.claim('t', 'key', 'other');
    // Assess
    expect(within.kind).toBe('mismatch');
    expect(after.kind).toBe('started');
  });
});
