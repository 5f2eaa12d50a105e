import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../src/adapters/storage/fs-blob-store.js';
import { testBlobStore } from './blob-store-contract.js';

const newRoot = (): Promise<string> => mkdtemp(join(tmpdir(), 'diffalign-fs-'));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const json = { contentType: 'application/json' } as const;
const run = promisify(execFile);

testBlobStore('FsBlobStore', async () => new FsBlobStore(await newRoot()));

describe('FsBlobStore', () => {
  describe('put', () => {
    it('leaves no temporary or lock files behind', async () => {
      // Prepare
      const root = await newRoot();
      const store = new FsBlobStore(root);
      // Act
      const first = await store.put('a/b.json', new Uint8Array([1]), json);
      await store.put('a/b.json', new Uint8Array([2]), { ...json, createOnly: true }).catch(() => undefined);
      await store.put('a/b.json', new Uint8Array([3]), { ...json, ifMatch: first.etag });
      await store.put('a/b.json', new Uint8Array([4]), { ...json, ifMatch: first.etag }).catch(() => undefined);
      await store.put('a/c.json', new Uint8Array([5]), json);
      await store.delete('a/c.json');
      // Assess
      expect(await readdir(join(root, 'a'))).toEqual(['b.json']);
    });

    it('breaks a key lock whose owner is no longer running', async () => {
      // Prepare
      const root = await newRoot();
      const store = new FsBlobStore(root);
      await store.put('a/b.json', bytes('1'), json);
      await writeFile(join(root, 'a', 'b.json.tmp-lock'), '999999999-crashed');
      // Act
      await store.put('a/b.json', bytes('2'), json);
      // Assess
      expect(new TextDecoder().decode((await store.get('a/b.json'))!.body)).toBe('2');
      expect(await readdir(join(root, 'a'))).toEqual(['b.json']);
    });

    it('breaks a key lock with its own pid that it does not hold (an earlier process with the same pid)', async () => {
      // Prepare
      const root = await newRoot();
      const store = new FsBlobStore(root);
      await store.put('a/b.json', bytes('1'), json);
      await writeFile(join(root, 'a', 'b.json.tmp-lock'), `${process.pid}-previous-incarnation`);
      // Act
      await store.delete('a/b.json');
      // Assess
      expect(await store.get('a/b.json')).toBeNull();
    });

    it('waits while a live process holds the key lock, then gives up with a retryable error and writes nothing', async () => {
      // Prepare
      const root = await newRoot();
      const store = new FsBlobStore(root, { lockWaitMs: 50 });
      await store.put('a/b.json', bytes('1'), json);
      await writeFile(join(root, 'a', 'b.json.tmp-lock'), `${process.ppid}-another-writer`);
      const started = Date.now();
      // Act
      const attempt = store.put('a/b.json', bytes('2'), json);
      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'BackendCallError', backend: 'fs', isRetryable: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(50);
      expect(new TextDecoder().decode((await store.get('a/b.json'))!.body)).toBe('1');
    });

    it('keeps compare-and-swap exact across processes: 3 processes × 5 increments make 15', async () => {
      // Prepare
      const root = await newRoot();
      const store = new FsBlobStore(root);
      await store.put('counter.json', bytes('0'), json);
      const worker = fileURLToPath(new URL('./fs-increment-worker.ts', import.meta.url));
      // Act
      const outputs = await Promise.all(Array.from({ length: 3 }, () => run(process.execPath, ['--import', 'tsx', worker, root, 'counter.json', '5'])));
      // Assess
      expect(new TextDecoder().decode((await store.get('counter.json'))!.body)).toBe('15');
      for (const output of outputs) expect(output.stdout).toMatch(/^\d+\n$/);
      expect(await readdir(root)).toEqual(['counter.json']);
    }, 60_000);
  });
});

describe('FsBlobStore.removeAbandonedTempFiles', () => {
  it('removes temp files and key locks of writers that no longer run and keeps those of live ones', async () => {
    // Prepare
    const root = await newRoot();
    await mkdir(join(root, 'generations', 'a'), { recursive: true });
    await writeFile(join(root, 'generations', 'a', 'c000.png.tmp-999999-x'), 'dead');
    await writeFile(join(root, 'generations', 'a', `c001.png.tmp-${process.pid}-y`), 'live');
    await writeFile(join(root, 'generations', 'a', 'c002.png.tmp-lock'), '999999-dead-writer');
    await writeFile(join(root, 'generations', 'a', 'c003.png.tmp-lock'), '424242-live-writer');
    await writeFile(join(root, 'generations', 'a', 'record.json'), '{}');
    const store = new FsBlobStore(root);
    // Act
    const removed = await store.removeAbandonedTempFiles((pid) => pid === process.pid || pid === 424242);
    // Assess
    expect(removed).toBe(2);
    expect((await readdir(join(root, 'generations', 'a'))).sort()).toEqual([`c001.png.tmp-${process.pid}-y`, 'c003.png.tmp-lock', 'record.json']);
  });
});
