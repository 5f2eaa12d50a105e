import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../src/ports/blob-store.js';
import { BlobAlreadyExistsError, BlobPreconditionFailedError, InvalidBlobKeyError } from '../../../src/ports/errors.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (body: Uint8Array): string => new TextDecoder().decode(body);
const json = { contentType: 'application/json' } as const;

/** Every byte value, then pseudo-random bytes (a fixed LCG): a body several network chunks long. */
function binaryBody(length: number): Uint8Array {
  const body = new Uint8Array(length);
  let state = 12345;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    body[index] = index < 256 ? index : state >>> 24;
  }
  return body;
}

/**
 * The BlobStore contract every adapter passes (fs always; S3 against the shimmed s3rver, and real S3 when
 * configured). `createStore` answers an empty store each call (a fresh directory, or a fresh key prefix).
 */
export function testBlobStore(name: string, createStore: () => Promise<BlobStore>): void {
  describe(`${name} (BlobStore contract)`, () => {
    describe('get / put / head / delete', () => {
      it('returns null for a missing key, from get and from head', async () => {
        // Prepare
        const store = await createStore();
        // Act
        const blob = await store.get('generations/t/missing.json');
        const info = await store.head('generations/t/missing.json');
        // Assess
        expect(blob).toBeNull();
        expect(info).toBeNull();
      });

      it('round-trips bytes with a content type and a strong etag', async () => {
        // Prepare
        const store = await createStore();
        // Act
        const put = await store.put('generations/t/2026/01/02/x/record.json', bytes('{"a":1}'), json);
        const blob = await store.get('generations/t/2026/01/02/x/record.json');
        // Assess
        expect(blob).not.toBeNull();
        expect(text(blob!.body)).toBe('{"a":1}');
        expect(blob!.contentType).toBe('application/json');
        expect(blob!.etag).toBe(put.etag);
        expect(blob!.etag).toMatch(/^"[^"]+"$/);
      });

      it('answers head with the etag, content type, size and modification time, without the body', async () => {
        // Prepare
        const store = await createStore();
        const put = await store.put('h/record.json', bytes('{"size":11}'), json);
        // Act
        const info = await store.head('h/record.json');
        // Assess
        expect(info).toMatchObject({ etag: put.etag, contentType: 'application/json', size: 11 });
        expect(info!.lastModified).toBeInstanceOf(Date);
      });

      it('keeps the content types of the layout: json, ndjson, png', async () => {
        // Prepare
        const store = await createStore();
        const cases = [
          ['t/record.json', 'application/json'],
          ['t/events.ndjson', 'application/x-ndjson'],
          ['t/c000.png', 'image/png'],
        ] as const;
        // Act
        for (const [key, contentType] of cases) await store.put(key, bytes(key), { contentType });
        // Assess
        for (const [key, contentType] of cases) {
          expect((await store.get(key))?.contentType).toBe(contentType);
          expect((await store.head(key))?.contentType).toBe(contentType);
        }
      });

      it('stores binary bodies byte for byte (every byte value, 200 kB, and empty)', async () => {
        // Prepare
        const store = await createStore();
        const body = binaryBody(200_000);
        // Act
        const put = await store.put('b/image.png', body, { contentType: 'image/png' });
        await store.put('b/empty.png', new Uint8Array(), { contentType: 'image/png' });
        // Assess
        const blob = await store.get('b/image.png');
        expect(Buffer.from(blob!.body).equals(Buffer.from(body))).toBe(true);
        expect(blob!.etag).toBe(put.etag);
        expect((await store.head('b/image.png'))?.size).toBe(200_000);
        expect((await store.get('b/empty.png'))?.body.byteLength).toBe(0);
      });

      it('overwrites on a plain put and changes the etag', async () => {
        // Prepare
        const store = await createStore();
        const first = await store.put('a/b.json', bytes('1'), json);
        // Act
        const second = await store.put('a/b.json', bytes('2'), json);
        // Assess
        expect(text((await store.get('a/b.json'))!.body)).toBe('2');
        expect(second.etag).not.toBe(first.etag);
      });

      it('deletes a key, and deleting a missing key is not an error', async () => {
        // Prepare
        const store = await createStore();
        await store.put('d/x.json', bytes('x'), json);
        // Act
        await store.delete('d/x.json');
        await store.delete('d/never.json');
        await store.delete('never/there.json');
        // Assess
        expect(await store.get('d/x.json')).toBeNull();
        expect(await store.head('d/x.json')).toBeNull();
      });

      it('takes Hive partition keys (= and /) as they are', async () => {
        // Prepare
        const store = await createStore();
        const key = 'feedback/tenant=t/dt=2026-12-01/hour=07/x.ndjson';
        // Act
        await store.put(key, bytes('{"event":"select"}\n'), { contentType: 'application/x-ndjson' });
        // Assess
        expect(text((await store.get(key))!.body)).toBe('{"event":"select"}\n');
        expect(await store.list('feedback/tenant=t/')).toEqual([key]);
        expect(await store.list('feedback/tenant=t/dt=2026-12-01/hour=07/')).toEqual([key]);
        expect(await store.list('feedback/tenant=u/')).toEqual([]);
      });

      it('rejects keys that would escape the store', async () => {
        // Prepare
        const store = await createStore();
        // Act / Assess
        for (const key of ['../etc/passwd', '/abs.json', 'a//b.json', 'a/./b.json', '']) {
          await expect(store.put(key, bytes('x'), json)).rejects.toBeInstanceOf(InvalidBlobKeyError);
          await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        }
      });
    });

    describe('createOnly', () => {
      it('refuses a createOnly put on an existing key and keeps the original', async () => {
        // Prepare
        const store = await createStore();
        await store.put('idempotency/t/k.json', bytes('first'), { ...json, createOnly: true });
        // Act
        const attempt = store.put('idempotency/t/k.json', bytes('second'), { ...json, createOnly: true });
        // Assess
        await expect(attempt).rejects.toBeInstanceOf(BlobAlreadyExistsError);
        expect(text((await store.get('idempotency/t/k.json'))!.body)).toBe('first');
      });

      it('lets exactly one of 8 racing createOnly puts win, and keeps the winner', async () => {
        // Prepare
        const store = await createStore();
        // Act
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, index) => store.put('race/key.json', bytes(`writer-${index}`), { ...json, createOnly: true })),
        );
        // Assess
        const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(BlobAlreadyExistsError);
        }
        expect(text((await store.get('race/key.json'))!.body)).toBe(`writer-${winners[0]}`);
      });
    });

    describe('ifMatch (conditional replace)', () => {
      it('replaces with the current etag and refuses a stale one', async () => {
        // Prepare
        const store = await createStore();
        const first = await store.put('c/state.json', bytes('v1'), json);
        const second = await store.put('c/state.json', bytes('v2'), { ...json, ifMatch: first.etag });
        // Act
        const stale = store.put('c/state.json', bytes('v3'), { ...json, ifMatch: first.etag });
        // Assess
        await expect(stale).rejects.toBeInstanceOf(BlobPreconditionFailedError);
        await expect(stale).rejects.toMatchObject({ code: 'blob_precondition_failed', key: 'c/state.json' });
        const blob = await store.get('c/state.json');
        expect(text(blob!.body)).toBe('v2');
        expect(blob!.etag).toBe(second.etag);
      });

      it('refuses to replace a missing key and does not create it', async () => {
        // Prepare
        const store = await createStore();
        const elsewhere = await store.put('c/other.json', bytes('x'), json);
        // Act
        const attempt = store.put('c/missing.json', bytes('x'), { ...json, ifMatch: elsewhere.etag });
        // Assess
        await expect(attempt).rejects.toBeInstanceOf(BlobPreconditionFailedError);
        expect(await store.head('c/missing.json')).toBeNull();
      });

      it('lets exactly one of 8 racing replaces of the same version win', async () => {
        // Prepare
        const store = await createStore();
        const base = await store.put('c/counter.json', bytes('0'), json);
        // Act
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, index) => store.put('c/counter.json', bytes(`${index + 1}`), { ...json, ifMatch: base.etag })),
        );
        // Assess
        const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(BlobPreconditionFailedError);
        }
        expect(text((await store.get('c/counter.json'))!.body)).toBe(`${winners[0]! + 1}`);
      });

      it('refuses createOnly together with ifMatch', async () => {
        // Prepare
        const store = await createStore();
        // Act / Assess
        await expect(store.put('c/x.json', bytes('x'), { ...json, createOnly: true, ifMatch: '"e"' })).rejects.toBeInstanceOf(TypeError);
      });
    });

    describe('list / listPage', () => {
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

      it('pages through more keys than one page holds, in order, each key once', async () => {
        // Prepare
        const store = await createStore();
        const keys = Array.from({ length: 7 }, (_, index) => `pages/dt=2026-12-0${index + 1}/part.ndjson`);
        for (const key of [...keys].reverse()) await store.put(key, bytes(key), { contentType: 'application/x-ndjson' });
        await store.put('pagesz/outside.ndjson', bytes('x'), { contentType: 'application/x-ndjson' });
        // Act
        const pages: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listPage('pages/', { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
          pages.push(page.keys);
          cursor = page.cursor;
        } while (cursor !== undefined && pages.length < 10);
        // Assess
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(keys);
        expect(await store.list('pages/')).toEqual(keys);
      });

      it('rolls keys up at a delimiter into prefixes, as a directory listing', async () => {
        // Prepare
        const store = await createStore();
        for (const key of ['d/2026/02/b.json', 'd/2025/12/c.json', 'd/2026/01/a.json', 'd/top.json', 'dz/x.json']) await store.put(key, bytes(key), json);
        // Act
        const top = await store.listPage('d/', { delimiter: '/' });
        const year = await store.listPage('d/2026/', { delimiter: '/' });
        // Assess
        expect(top).toEqual({ keys: ['d/top.json'], prefixes: ['d/2025/', 'd/2026/'] });
        expect(year).toEqual({ keys: [], prefixes: ['d/2026/01/', 'd/2026/02/'] });
      });

      it('lists only what sorts after startAfter, a key that need not exist, with and without a delimiter', async () => {
        // Prepare
        const store = await createStore();
        for (const key of ['s/a1/record.json', 's/a1/c000.png', 's/b2/record.json', 's/b2/c000.png', 's/c3/record.json']) await store.put(key, bytes(key), { contentType: key.endsWith('.png') ? 'image/png' : 'application/json' });
        // Act
        const keys = await store.listPage('s/', { startAfter: 's/b2/d' });
        const prefixes = await store.listPage('s/', { delimiter: '/', startAfter: 's/b' });
        const afterFirst = await store.listPage('s/', { delimiter: '/', startAfter: 's/a1/\uffff' });
        // Assess
        expect(keys.keys).toEqual(['s/b2/record.json', 's/c3/record.json']);
        expect(prefixes.prefixes).toEqual(['s/b2/', 's/c3/']);
        expect(afterFirst.prefixes).toEqual(['s/b2/', 's/c3/']);
      });

      it('pages a delimited listing, each prefix once, and lists no prefix for a deleted key', async () => {
        // Prepare
        const store = await createStore();
        const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
        for (const id of ids) {
          await store.put(`day/${id}/record.json`, bytes(id), json);
          await store.put(`day/${id}/c000.png`, bytes(id), { contentType: 'image/png' });
        }
        await store.put('gone/x/record.json', bytes('x'), json);
        await store.delete('gone/x/record.json');
        // Act
        const pages: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listPage('day/', { delimiter: '/', limit: 2, ...(cursor === undefined ? {} : { cursor }) });
          pages.push(page.prefixes ?? []);
          cursor = page.cursor;
        } while (cursor !== undefined && pages.length < 10);
        const emptied = await store.listPage('gone/', { delimiter: '/' });
        // Assess
        expect(pages).toEqual([['day/p1/', 'day/p2/'], ['day/p3/', 'day/p4/'], ['day/p5/']]);
        expect(emptied).toEqual({ keys: [], prefixes: [] });
      });

      it('answers an empty page without a cursor for an empty prefix', async () => {
        // Prepare
        const store = await createStore();
        // Act
        const page = await store.listPage('nothing/', { limit: 2 });
        // Assess
        expect(page).toEqual({ keys: [] });
      });
    });
  });
}
