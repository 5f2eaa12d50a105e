import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { ApiKeyStore } from '../../src/api/auth/index.js';
import type { GenerationList } from '../../src/api/schemas/generation-list.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { GenerationStore } from '../../src/records/generation-store.js';
import { newUuidV7 } from '../../src/records/uuid-v7.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

const DAY = 86_400_000;

async function setup(overrides: Partial<AppDeps> = {}) {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-listing-')));
  let clock = Date.parse('2026-11-28T09:00:00.000Z');
  const app = withSpecValidation(
    createApp({
      generator: new SolidColorGenerator(),
      scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
      store,
      now: () => clock,
      ...overrides,
    }),
  );
  const generate = async (body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GenerationRecord> => {
    const response = await app.request('/v1/generations', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ search: { budget: 1 }, ...body }) });
    expect(response.status).toBe(200);
    return (await response.json()) as GenerationRecord;
  };
  const list = async (query: string, headers: Record<string, string> = {}): Promise<GenerationList> => {
    const response = await app.request(`/v1/generations${query}`, { headers });
    expect(response.status).toBe(200);
    return (await response.json()) as GenerationList;
  };
  const advance = (ms: number): void => {
    clock += ms;
  };
  return { app, store, generate, list, advance };
}

/** Every page of a listing, following next_cursor. */
async function allPages(list: (query: string) => Promise<GenerationList>, query: URLSearchParams): Promise<GenerationList[]> {
  const pages: GenerationList[] = [];
  for (let cursor: string | null = null; pages.length === 0 || cursor !== null; ) {
    const params = new URLSearchParams(query);
    if (cursor !== null) params.set('cursor', cursor);
    const page = await list(`?${params.toString()}`);
    pages.push(page);
    cursor = page.next_cursor;
    if (pages.length > 50) throw new Error('listing did not end');
  }
  return pages;
}

describe('GET /v1/generations', () => {
  it('pages through every generation newest first, across days, each record once and as GET answers it', async () => {
    // Prepare: 13 generations over 4 days
    const { app, generate, list, advance } = await setup();
    const created: GenerationRecord[] = [];
    for (let index = 0; index < 13; index += 1) {
      created.push(await generate({ prompt: `a photo of ${index} apples`, seed: index }));
      advance(index % 4 === 3 ? DAY : 60_000);
    }
    // Act
    const pages = await allPages(list, new URLSearchParams({ limit: '5' }));
    // Assess
    expect(pages.map((page) => page.data.length)).toEqual([5, 5, 3]);
    expect(pages[2]!.next_cursor).toBeNull();
    const listed = pages.flatMap((page) => page.data);
    expect(listed.map((record) => record.id)).toEqual(created.map((record) => record.id).reverse());
    const fetched = (await (await app.request(`/v1/generations/${created[6]!.id}`)).json()) as GenerationRecord;
    expect(listed.find((record) => record.id === created[6]!.id)).toEqual(fetched);
  });

  it('answers 20 records by default and an empty page without a cursor when there is nothing', async () => {
    // Prepare
    const { generate, list, advance } = await setup();
    const empty = await list('');
    for (let index = 0; index < 21; index += 1) {
      await generate({ prompt: 'a cat', seed: index });
      advance(1000);
    }
    // Act
    const first = await list('');
    // Assess
    expect(empty).toEqual({ data: [], next_cursor: null });
    expect(first.data).toHaveLength(20);
    expect(first.next_cursor).toEqual(expect.any(String));
  });

  it('filters by status and by metadata.app_user while paging', async () => {
    // Prepare: generations of two users; two of alice's cancelled (written as a cancelled record would be)
    const { store, generate, list, advance } = await setup();
    const records: GenerationRecord[] = [];
    for (let index = 0; index < 9; index += 1) {
      records.push(await generate({ prompt: 'a dog', seed: index, metadata: { app_user: index % 3 === 0 ? 'bob' : 'alice' } }));
      advance(30_000);
    }
    const generations = new GenerationStore<GenerationRecord>(store, 'default');
    for (const record of [records[1]!, records[5]!]) {
      const stored = (await generations.load(record.id))!;
      await generations.save({ ...stored, record: { ...stored.record, status: 'cancelled' } });
    }
    // Act
    const bob = (await allPages(list, new URLSearchParams({ app_user: 'bob', limit: '2' }))).flatMap((page) => page.data);
    const cancelled = (await allPages(list, new URLSearchParams({ status: 'cancelled' }))).flatMap((page) => page.data);
    const aliceSucceeded = (await allPages(list, new URLSearchParams({ status: 'succeeded', app_user: 'alice', limit: '3' }))).flatMap((page) => page.data);
    // Assess
    expect(bob.map((record) => record.id)).toEqual([records[6]!.id, records[3]!.id, records[0]!.id]);
    expect(cancelled.map((record) => record.id)).toEqual([records[5]!.id, records[1]!.id]);
    expect(aliceSucceeded.map((record) => record.id)).toEqual([8, 7, 4, 2].map((index) => records[index]!.id));
  });

  it('stops a filtered page after reading 250 records and answers what it found with a cursor to go on', async () => {
    // Prepare: 260 stored records, only the oldest of them bob's
    const { store, generate, list } = await setup();
    const template = await generate({ prompt: 'a bird', seed: 1 });
    const generations = new GenerationStore<GenerationRecord>(store, 'default');
    const start = Date.parse('2026-10-01T00:00:00Z');
    const ids = Array.from({ length: 260 }, (_, index) => newUuidV7(start + index * 1000));
    for (const [index, id] of ids.entries()) {
      const record: GenerationRecord = { ...template, id, candidates: [], images: [], best: null, metadata: { app_user: index === 0 ? 'bob' : 'alice' } };
      await generations.save({ record, events: [] });
    }
    // Act
    const first = await list('?app_user=bob&limit=5');
    const second = await list(`?app_user=bob&limit=5&cursor=${first.next_cursor}`);
    // Assess: the first page read the template and 249 stored records
    expect(first.data).toEqual([]);
    expect(first.next_cursor).toEqual(expect.any(String));
    expect(second.data.map((record) => record.id)).toEqual([ids[0]]);
    expect(second.next_cursor).toBeNull();
  });

  it("lists only the request's tenant's generations", async () => {
    // Prepare
    const { store, generate, list } = await setup({ auth: { cacheTtlMs: 0 } });
    const keys = new ApiKeyStore(store);
    const acme = `Bearer ${(await keys.create({ tenant: 'acme' })).key}`;
    const globex = `Bearer ${(await keys.create({ tenant: 'globex' })).key}`;
    const mine = await generate({ prompt: 'a cat' }, { authorization: acme });
    await generate({ prompt: 'a dog' }, { authorization: globex });
    // Act
    const acmeList = await list('', { authorization: acme });
    // Assess
    expect(acmeList.data.map((record) => record.id)).toEqual([mine.id]);
  });

  it('refuses a bad query with 422 naming the parameter, and writes nothing', async () => {
    // Prepare
    const { app } = await setup();
    // Act
    const answers = await Promise.all(
      ['?limit=0', '?limit=101', '?limit=ten', '?status=done', '?cursor=not-a-cursor', '?sort=asc', '?limit=2&limit=3'].map(async (query) => {
        const response = await app.request(`/v1/generations${query}`);
        const body = (await response.json()) as { code: string; invalid_params: { name: string }[] };
        return [response.status, body.code, body.invalid_params.map((param) => param.name)];
      }),
    );
    // Assess
    expect(answers).toEqual([
      [422, 'validation_failed', ['limit']],
      [422, 'validation_failed', ['limit']],
      [422, 'validation_failed', ['limit']],
      [422, 'validation_failed', ['status']],
      [422, 'validation_failed', ['cursor']],
      [422, 'validation_failed', ['sort']],
      [422, 'validation_failed', ['limit']],
    ]);
  });
});
