import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../src/ports/blob-store.js';
import { BlobAlreadyExistsError, InvalidBlobKeyError } from '../../../src/ports/errors.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (body: Uint8Array): string => new TextDecoder().decode(body);

/** The BlobStore contract every adapter passes (fs always; S3 against a real S3-compatible server). */
export function testBlobStore(name: string, createStore: () => Promise<BlobStore>): void {
  describe(`${name} (BlobStore contract)`, () => {
    it('returns null for a missing key', async () => {
      // Prepare
      const store = await createStore();
      // Act
      const blob = await store.get('generations/t/missing.json');
      // Assess
      expect(blob).toBeNull();
    });

    it('round-trips bytes with a content type and a strong etag', async () => {
      // Prepare
      const store = await createStore();
      // Act
      const put = await store.put('generations/t/2026/01/02/x/record.json', bytes('{"a":1}'), { contentType: 'application/json' });
      const blob = await store.get('generations/t/2026/01/02/x/record.json');
      // Assess
      expect(blob).not.toBeNull();
      expect(text(blob!.body)).toBe('{"a":1}');
      expect(blob!.contentType).toBe('application/json');
      expect(blob!.etag).toBe(put.etag);
      expect(blob!.etag).toMatch(/^"[^"]+"$/);
    });

    it('overwrites on a plain put and changes the etag', async () => {
      // Prepare
      const store = await createStore();
      const first = await store.put('a/b.json', bytes('1'), { contentType: 'application/json' });
      // Act
      const second = await store.put('a/b.json', bytes('2'), { contentType: 'application/json' });
      // Assess
      expect(text((await store.get('a/b.json'))!.body)).toBe('2');
      expect(second.etag).not.toBe(first.etag);
    });

    it('refuses a createOnly put on an existing key and keeps the original', async () => {
      // Prepare
      const store = await createStore();
      await store.put('idempotency/t/k.json', bytes('first'), { contentType: 'application/json', createOnly: true });
      // Act
      const attempt = store.put('idempotency/t/k.json', bytes('second'), { contentType: 'application/json', createOnly: true });
      // Assess
      await expect(attempt).rejects.toBeInstanceOf(BlobAlreadyExistsError);
      expect(text((await store.get('idempotency/t/k.json'))!.body)).toBe('first');
    });

    it('lets exactly one of many racing createOnly puts win', async () => {
      // Prepare
      const store = await createStore();
      // Act
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, index) => store.put('race/key.json', bytes(`writer-${index}`), { contentType: 'application/json', createOnly: true })),
      );
      // Assess
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(BlobAlreadyExistsError);
      }
    });

    it('lists keys under a prefix in lexicographic order', async () => {
      // Prepare
      const store = await createStore();
      for (const key of ['p/b/2.png', 'p/a/1.png', 'p/b/1.png', 'q/1.png', 'pz.png']) {
        await store.put(key, bytes(key), { contentType: 'image/png' });
      }
      // Act
      const listed = await store.list('p/');
      // Assess
      expect(listed).toEqual(['p/a/1.png', 'p/b/1.png', 'p/b/2.png']);
      expect(await store.list('nothing/')).toEqual([]);
    });

    it('deletes a key, and deleting a missing key is not an error', async () => {
      // Prepare
      const store = await createStore();
      await store.put('d/x.json', bytes('x'), { contentType: 'application/json' });
      // Act
      await store.delete('d/x.json');
      await store.delete('d/never.json');
      // Assess
      expect(await store.get('d/x.json')).toBeNull();
    });

    it('rejects keys that would escape the store', async () => {
      // Prepare
      const store = await createStore();
      // Act / Assess
      for (const key of ['../etc/passwd', '/abs.json', 'a//b.json', 'a/./b.json', '']) {
        await expect(store.put(key, bytes('x'), { contentType: 'application/json' })).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
    });
  });
}
