import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../src/adapters/storage/fs-blob-store.js';
import { testBlobStore } from './blob-store-contract.js';

const newRoot = (): Promise<string> => mkdtemp(join(tmpdir(), 'diffalign-fs-'));

testBlobStore('FsBlobStore', async () => new FsBlobStore(await newRoot()));

describe('FsBlobStore', () => {
  describe('put', () => {
    it('leaves no temporary files behind', async () => {
      // Prepare
      const root = await newRoot();
      const store = new FsBlobStore(root);
      // Act
      await store.put('a/b.json', new Uint8Array([1]), { contentType: 'application/json' });
      await store.put('a/b.json', new Uint8Array([2]), { contentType: 'application/json', createOnly: true }).catch(() => undefined);
      // Assess
      expect(await readdir(join(root, 'a'))).toEqual(['b.json']);
    });
  });
});

describe('FsBlobStore.removeAbandonedTempFiles', () => {
  it('removes temp files of writers that no longer run and keeps those of live ones', async () => {
    // Prepare
    const root = await newRoot();
    await mkdir(join(root, 'generations', 'a'), { recursive: true });
    await writeFile(join(root, 'generations', 'a', 'c000.png.tmp-999999-x'), 'dead');
    await writeFile(join(root, 'generations', 'a', `c001.png.tmp-${process.pid}-y`), 'live');
    await writeFile(join(root, 'generations', 'a', 'record.json'), '{}');
    const store = new FsBlobStore(root);
    // Act
    const removed = await store.removeAbandonedTempFiles((pid) => pid === process.pid);
    // Assess
    expect(removed).toBe(1);
    expect((await readdir(join(root, 'generations', 'a'))).sort()).toEqual(['c001.png.tmp-' + process.pid + '-y', 'record.json']);
  });
});
