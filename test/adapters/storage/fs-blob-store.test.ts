import { mkdtemp, readdir } from 'node:fs/promises';
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
