import { mkdtemp } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { S3BlobStore } from '../../src/adapters/storage/s3-blob-store.js';
import type { BlobStore, ListPageOptions } from '../../src/ports/blob-store.js';
import { generationRecordKey } from '../../src/records/generation-layout.js';
import { generationIdsNewestFirst } from '../../src/records/generation-walk.js';
import { newUuidV7 } from '../../src/records/uuid-v7.js';
import { type S3Server, startS3Server } from '../support/s3-server.js';

const json = { contentType: 'application/json' } as const;

/** Writes a record document for each id as the layout keeps it (on fs an image beside it too, so a directory holds several keys). */
async function seed(store: BlobStore, tenant: string, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 32) {
    await Promise.all(
      ids.slice(start, start + 32).map(async (id) => {
        await store.put(generationRecordKey(tenant, id), new TextEncoder().encode(`{"id":"${id}"}`), json);
        if (store instanceof FsBlobStore) await store.put(generationRecordKey(tenant, id).replace('record.json', 'c000.png'), new Uint8Array([1]), { contentType: 'image/png' });
      }),
    );
  }
}

/** Ids at the given times (ms), with distinct random parts. */
function idsAt(times: readonly number[]): string[] {
  return times.map((time, index) => newUuidV7(time, new Uint8Array(16).map((_, byte) => (index * 31 + byte * 7) & 0xff)));
}

async function drain(walk: AsyncGenerator<string>, most = Infinity): Promise<string[]> {
  const ids: string[] = [];
  for await (const id of walk) {
    ids.push(id);
    if (ids.length >= most) break;
  }
  return ids;
}

/** A store that counts its listing calls (the real store underneath). */
function counting(store: BlobStore): BlobStore & { calls: number } {
  const counted = Object.create(store) as BlobStore & { calls: number };
  counted.calls = 0;
  counted.listPage = (prefix: string, options?: ListPageOptions) => {
    counted.calls += 1;
    return store.listPage(prefix, options);
  };
  return counted;
}

const descending = (ids: readonly string[]): string[] => [...ids].sort().reverse();

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
});

const stores: [string, () => Promise<BlobStore>][] = [
  ['FsBlobStore', async () => new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-walk-')))],
  ['S3BlobStore on s3rver', async () => new S3BlobStore({ bucket: s3.bucket, prefix: `walk-${randomUUID()}`, endpoint: s3.endpoint, credentials: s3.credentials })],
];

describe.each(stores)('generationIdsNewestFirst on %s', (_name, createStore) => {
  it('yields every id of the tenant newest first, across years, months and days, and only that tenant\'s', async () => {
    // Prepare
    const store = await createStore();
    const times = ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-02-28T08:00:00.000Z', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z', '2026-12-01T00:00:01.000Z'].map(Date.parse);
    const ids = idsAt(times);
    await seed(store, 'acme', ids);
    await seed(store, 'acme-two', idsAt([Date.parse('2026-06-01T00:00:00Z')]));
    // Act
    const walked = await drain(generationIdsNewestFirst(store, 'acme'));
    // Assess
    expect(walked).toEqual(descending(ids));
  });

  it('resumes strictly before a given id, in its day and in older days', async () => {
    // Prepare
    const store = await createStore();
    const ids = descending(idsAt([0, 1, 2, 3, 4, 5].map((hour) => Date.parse('2026-03-10T00:00:00Z') + hour * 3_600_000 * 9)));
    await seed(store, 'acme', ids);
    // Act
    const resumed = await Promise.all(ids.map((id) => drain(generationIdsNewestFirst(store, 'acme', id))));
    // Assess
    ids.forEach((id, index) => expect(resumed[index]).toEqual(ids.slice(index + 1)));
  });

  it('answers nothing for a tenant without generations, and for a bound older than every id', async () => {
    // Prepare
    const store = await createStore();
    const ids = idsAt([Date.parse('2026-05-05T05:05:05Z')]);
    await seed(store, 'acme', ids);
    // Act
    const none = await drain(generationIdsNewestFirst(store, 'nobody'));
    const older = await drain(generationIdsNewestFirst(store, 'acme', newUuidV7(Date.parse('2020-01-01T00:00:00Z'))));
    // Assess
    expect(none).toEqual([]);
    expect(older).toEqual([]);
  });

  it('walks a day denser than a listing page in exact descending order, with a bounded number of listing calls per page', async () => {
    // Prepare: generations 50 ms apart in one day, more than two listing pages of them (fewer on s3rver, whose listings walk its files)
    const store = await createStore();
    const start = Date.parse('2026-07-04T12:00:00Z');
    const count = store instanceof S3BlobStore ? 1050 : 2100;
    const pageSize = store instanceof S3BlobStore ? 350 : 150;
    const ids = idsAt(Array.from({ length: count }, (_, index) => start + index * 50));
    await seed(store, 'acme', ids);
    const expected = descending(ids);
    const counted = counting(store);
    // Act: pages of 100 ids, each resumed from the last id of the one before
    const pages: string[][] = [];
    const calls: number[] = [];
    let before: string | undefined;
    for (;;) {
      counted.calls = 0;
      const page = await drain(generationIdsNewestFirst(counted, 'acme', before), pageSize);
      calls.push(counted.calls);
      if (page.length === 0) break;
      pages.push(page);
      before = page[page.length - 1];
    }
    // Assess
    expect(pages.flat()).toEqual(expected);
    expect(Math.max(...calls)).toBeLessThanOrEqual(10);
  });
});
