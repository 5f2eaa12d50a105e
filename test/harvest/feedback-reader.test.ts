import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { byReceipt } from '../../src/harvest/candidate-tiers.js';
import { locateFeedbackFiles } from '../../src/harvest/feedback-location.js';
import { readFeedback } from '../../src/harvest/feedback-reader.js';
import { dedupedEventsQuery, keptEventIdsQuery, scopedFeedbackQuery } from '../../src/harvest/feedback-sql.js';
import { HarvestDatabase } from '../../src/harvest/harvest-database.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { MemoryBlobStore, putFeedbackBatch, putTombstone, storedEvent, uuidAt } from './harvest-store.js';
import { referenceCounts, referenceEvents } from './reference-events.js';

const G1 = uuidAt('2024-05-01T00:00:00.000Z', 1);
const G2 = uuidAt('2024-05-01T00:00:01.000Z', 2);
const day1 = '2024-05-01T10:00:00.000Z';

/** Feedback over three days with every case the reader must handle. */
async function fillFeedback(store: BlobStore): Promise<void> {
  const day2 = '2024-05-02T11:00:00.000Z';
  await putFeedbackBatch(
    store,
    [
      storedEvent(day1, 1, { type: 'impression', generation_id: G1, candidate_id: 'c000', client_event_id: 'imp-1' }),
      storedEvent(day1, 2, { type: 'download', generation_id: G1, candidate_id: 'c001', client_event_id: 'dl-1' }),
      storedEvent(day1, 3, { type: 'select', generation_id: G1, candidate_id: 'c002', consent: false }),
      storedEvent(day1, 4, { type: 'dismiss', generation_id: G1, candidate_id: 'c002', app_user: 'mallory' }),
      storedEvent(day1, 5, { type: 'compare', generation_id: G2, candidate_ids: ['c000', 'c001'], choice: 'tie', app_user: 'bob' }),
    ],
    'batch-1',
  );
  await putFeedbackBatch(
    store,
    [
      // a retry of dl-1 (new event id, same client event id) and an exact copy of the impression line
      storedEvent(day2, 6, { type: 'download', generation_id: G1, candidate_id: 'c001', client_event_id: 'dl-1' }),
      storedEvent(day1, 1, { type: 'impression', generation_id: G1, candidate_id: 'c000', client_event_id: 'imp-1' }),
      // the same client event id about another generation is another event
      storedEvent(day2, 7, { type: 'download', generation_id: G2, candidate_id: 'c001', client_event_id: 'dl-1', app_user: 'bob' }),
      storedEvent(day2, 8, { type: 'rate', generation_id: G2, candidate_id: 'c000', rating: 2, app_user: 'bob' }),
    ],
    'batch-2',
  );
  await putFeedbackBatch(store, [storedEvent('2024-05-05T00:00:00.000Z', 9, { type: 'select', generation_id: G1, candidate_id: 'c003' })], 'batch-3');
  await putFeedbackBatch(store, [storedEvent(day1, 10, { type: 'select', generation_id: G1, candidate_id: 'c000', tenant: 'other' })], 'batch-4', 'other');
  await putTombstone(store, 'mallory', 'erasure-1');
  await putTombstone(store, 'bob', 'erasure-2', 'other');
}

describe('readFeedback', () => {
  let temp: string;
  let db: HarvestDatabase;
  beforeEach(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-feedback-'));
    db = await HarvestDatabase.open(join(temp, 'duckdb'));
  });
  afterEach(async () => {
    db.close();
    await rm(temp, { recursive: true, force: true });
  });

  it('keeps consented events of the tenant and date range once each, without erased users', async () => {
    // Prepare
    const store = new FsBlobStore(join(temp, 'data'));
    await fillFeedback(store);
    const files = await locateFeedbackFiles(store, { tenant: 'default', from: '2024-05-01', to: '2024-05-03' }, join(temp, 'staging'));
    // Act
    const read = await readFeedback(db, files.root, { tenant: 'default', from: '2024-05-01', to: '2024-05-03' });
    const events = (await referenceEvents(db, read)).sort(byReceipt);
    // Assess
    expect(files.mode).toBe('direct');
    expect(events.map((e) => `${e.type}:${e.generationId === G1 ? 'G1' : 'G2'}:${e.candidateId ?? e.candidateIds?.join('|')}:${e.appUser}`)).toEqual([
      'impression:G1:c000:alice',
      'download:G1:c001:alice',
      'compare:G2:c000|c001:bob',
      'download:G2:c001:bob',
      'rate:G2:c000:bob',
    ]);
    expect(events[4]).toMatchObject({ rating: 2, receivedAt: Date.parse('2024-05-02T11:00:00.000Z'), eventId: uuidAt('2024-05-02T11:00:00.000Z', 8) });
    expect(events[2]).toMatchObject({ choice: 'tie', candidateIds: ['c000', 'c001'] });
    expect(read.counts).toEqual({ read: 9, malformed: 0, unconsented: 1, erasedUser: 1, duplicateEventId: 1, duplicateClientEventId: 1, kept: 5 });
    expect(read.counts).toEqual(await referenceCounts(db, read));
    expect([...read.erasedUsers]).toEqual(['mallory']);
    // the columns the rules read: the same events, each generation's user by user in receipt order
    expect(read.events.generationIds()).toEqual([G1, G2]);
    expect([read.events.countOf(G1), read.events.countOf(G2)]).toEqual([2, 3]);
    const users = read.events.generationIds().flatMap((id) => read.events.usersOf(id));
    expect(users.map((user) => user.appUser)).toEqual(['alice', 'bob']);
    const columns = users.flatMap((user) => Array.from(user.rows, (row) => read.events.event(row)));
    expect(columns.map((event) => event.eventId)).toEqual([...events].sort((a, b) => (a.generationId < b.generationId ? -1 : a.generationId > b.generationId ? 1 : byReceipt(a, b))).map((event) => event.eventId));
    expect(columns.sort(byReceipt)).toEqual(events);
  });

  it('reads the same through the port (staged copy) as in place, copying only the partitions in range', async () => {
    // Prepare
    const memory = new MemoryBlobStore();
    await fillFeedback(memory);
    const scope = { tenant: 'default', from: '2024-05-01', to: '2024-05-03' };
    // Act
    const files = await locateFeedbackFiles(memory, scope, join(temp, 'staging'));
    const read = await readFeedback(db, files.root, scope);
    // Assess
    expect(files).toMatchObject({ mode: 'staged', staged: 3 });
    expect(read.counts.kept).toBe(5);
    expect(read.counts.read).toBe(9);
  });

  it('counts malformed lines and reads an empty store as no events', async () => {
    // Prepare
    const store = new FsBlobStore(join(temp, 'data'));
    const bad = storedEvent('2024-05-01T10:00:00.000Z', 1, { type: 'impression', generation_id: G1, candidate_id: 'c000' });
    await putFeedbackBatch(store, [bad, { ...bad, event_id: uuidAt('2024-05-01T10:00:00.000Z', 2), type: 'teleport' as 'impression' }], 'batch-1');
    // Act
    const read = await readFeedback(db, store.root, { tenant: 'default' });
    const empty = await readFeedback(db, join(temp, 'nothing'), { tenant: 'default' });
    // Assess
    expect(read.counts).toMatchObject({ read: 2, malformed: 1, kept: 1 });
    expect(empty.events.generationIds()).toEqual([]);
    expect(empty.counts.read).toBe(0);
  });
});

describe('feedback SQL', () => {
  it('keeps to what DuckDB and Athena (Trino) both accept: no DuckDB-only functions, casts or clauses', () => {
    // Prepare
    const scope = { tenant: 'default', from: '2024-05-01', to: "2024-05-0'3" };
    // Act
    const sql = [scopedFeedbackQuery('diffalign.feedback', 'diffalign.erasures', scope), keptEventIdsQuery('scoped'), dedupedEventsQuery('scoped', 'kept')].join('\n');
    // Assess
    expect(sql).not.toMatch(/read_json|read_ndjson|QUALIFY|rowid|::|\blist\(|arg_min|any_value|epoch_ms|TRY_CAST|string_agg|enum_/i);
    expect(sql).toContain("f.dt <= '2024-05-0''3'");
    expect(sql).toContain("FROM diffalign.feedback f");
  });
});
