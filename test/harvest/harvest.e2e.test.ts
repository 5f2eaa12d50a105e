import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { harvest, type HarvestResult } from '../../src/harvest/harvest.js';
import { HarvestDatabase } from '../../src/harvest/harvest-database.js';
import { HarvestOptionsError, HarvestOutputError } from '../../src/harvest/harvest-errors.js';
import { candidateImageKey } from '../../src/records/generation-layout.js';
import { generationRecord, putFeedbackBatch, putGeneration, putTombstone, recordCandidate, storedEvent, uuidAt } from './harvest-store.js';

const G1 = uuidAt('2024-04-30T12:00:00.000Z', 1);
const G2 = uuidAt('2024-04-30T12:00:01.000Z', 2);
const G3 = uuidAt('2024-04-30T12:00:02.000Z', 3);
const G4 = uuidAt('2024-04-30T12:00:03.000Z', 4);
const G5 = uuidAt('2024-04-30T12:00:04.000Z', 5);
const NAMES: Record<string, string> = { [G1]: 'G1', [G2]: 'G2', [G3]: 'G3', [G4]: 'G4', [G5]: 'G5' };
const CAPTION = 'a photo of a red train, at dusk';
const NEIGHBOUR = { terms: [{ seed: 1003, weight: 0.95 }, { seed: 77, weight: 0.3122 }] };

const at = (seconds: number, day = '2024-05-01'): string => new Date(Date.parse(`${day}T09:00:00.000Z`) + seconds * 1000).toISOString();

/**
 * The world the harvest reads: G1 (alice: shown c000, downloaded c001 — retried once —, dismissed c002; an
 * unconsented select), G2 (bob compares, carol ties), G3 (made for mallory, who is erased), G4 (erin: shown,
 * selected c002, dismissed c003, regenerated; one event names a candidate G4 does not have), G5 (record
 * deleted), plus an exact copy of a line and an event outside the date range.
 */
async function fillStore(store: FsBlobStore): Promise<Record<number, string>> {
  const third = 1 / 3;
  await putGeneration(store, generationRecord(G1, CAPTION, [recordCandidate(0, 1), recordCandidate(1, 2 * third), recordCandidate(2, third), recordCandidate(3, 0, { noise: NEIGHBOUR })], 'alice'));
  await putGeneration(store, generationRecord(G2, 'a purple bear', [recordCandidate(0, 0), recordCandidate(1, 1)], 'bob'));
  await putGeneration(store, generationRecord(G3, 'a secret', [recordCandidate(0, 1), recordCandidate(1, 0)], 'mallory'));
  await putGeneration(store, generationRecord(G4, 'three dogs', [0, 1, 2, 3].map((index) => recordCandidate(index, 0.5)).concat(recordCandidate(4, null)), 'erin'));
  const ids: Record<number, string> = {};
  const e = (tag: number, time: string, fields: Parameters<typeof storedEvent>[2]) => {
    const line = storedEvent(time, tag, fields);
    ids[tag] = line.event_id;
    return line;
  };
  const first = e(1, at(1), { type: 'impression', generation_id: G1, candidate_id: 'c000', client_event_id: 'imp-0' });
  await putFeedbackBatch(
    store,
    [
      first,
      e(2, at(2), { type: 'impression', generation_id: G1, candidate_id: 'c001', client_event_id: 'imp-1' }),
      e(3, at(3), { type: 'impression', generation_id: G1, candidate_id: 'c002', client_event_id: 'imp-2' }),
      e(4, at(4), { type: 'download', generation_id: G1, candidate_id: 'c001', client_event_id: 'dl-1' }),
      e(5, at(5), { type: 'dismiss', generation_id: G1, candidate_id: 'c002' }),
      e(6, at(6), { type: 'select', generation_id: G1, candidate_id: 'c002', consent: false }),
      e(7, at(7), { type: 'compare', generation_id: G2, candidate_ids: ['c000', 'c001'], choice: 'c001', app_user: 'bob' }),
      e(8, at(8), { type: 'compare', generation_id: G2, candidate_ids: ['c000', 'c001'], choice: 'tie', app_user: 'carol' }),
      e(9, at(9), { type: 'impression', generation_id: G3, candidate_id: 'c000', app_user: 'mallory' }),
      e(10, at(10), { type: 'download', generation_id: G3, candidate_id: 'c000', app_user: 'dave' }),
      e(11, at(11), { type: 'select', generation_id: G5, candidate_id: 'c000' }),
    ],
    'batch-a',
  );
  const day2 = (seconds: number): string => at(seconds, '2024-05-02');
  await putFeedbackBatch(
    store,
    [
      e(12, day2(1), { type: 'download', generation_id: G1, candidate_id: 'c001', client_event_id: 'dl-1' }),
      first,
      e(13, day2(2), { type: 'impression', generation_id: G4, candidate_id: 'c000', app_user: 'erin' }),
      e(14, day2(3), { type: 'impression', generation_id: G4, candidate_id: 'c001', app_user: 'erin' }),
      e(15, day2(4), { type: 'impression', generation_id: G4, candidate_id: 'c002', app_user: 'erin' }),
      e(16, day2(5), { type: 'select', generation_id: G4, candidate_id: 'c002', app_user: 'erin' }),
      e(17, day2(6), { type: 'dismiss', generation_id: G4, candidate_id: 'c003', app_user: 'erin' }),
      e(18, day2(7), { type: 'regenerate', generation_id: G4, app_user: 'erin' }),
      e(19, day2(8), { type: 'select', generation_id: G4, candidate_id: 'c999', app_user: 'erin' }),
    ],
    'batch-b',
  );
  await putFeedbackBatch(store, [e(20, at(1, '2024-05-05'), { type: 'select', generation_id: G1, candidate_id: 'c003' })], 'batch-c');
  await putTombstone(store, 'mallory', 'erasure-1');
  return ids;
}

/** The pairs the rules must give, as (generation, image_0, image_1, label_0, label_1, signal, ai_feedback), in file order. */
const EXPECTED_PAIRS = [
  ['G1', 'c000', 'c001', 0, 1, 'download', false],
  ['G1', 'c000', 'c002', 1, 0, 'dismiss', false],
  ['G1', 'c001', 'c002', 1, 0, 'download', false],
  ['G1', 'c000', 'c003', 1, 0, 'ai_reward', true],
  ['G1', 'c001', 'c003', 1, 0, 'ai_reward', true],
  ['G2', 'c000', 'c001', 0, 1, 'compare', false],
  ['G4', 'c000', 'c002', 0, 1, 'select', false],
  ['G4', 'c000', 'c003', 1, 0, 'dismiss', false],
  ['G4', 'c001', 'c002', 0, 1, 'select', false],
  ['G4', 'c001', 'c003', 1, 0, 'dismiss', false],
  ['G4', 'c002', 'c003', 1, 0, 'select', false],
];

describe('harvest (end to end on a filesystem store)', () => {
  let temp: string;
  let store: FsBlobStore;
  let out: string;
  let result: HarvestResult;
  let eventIds: Record<number, string>;
  let db: HarvestDatabase;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-harvest-e2e-'));
    store = new FsBlobStore(join(temp, 'data'));
    eventIds = await fillStore(store);
    out = join(temp, 'out');
    result = await harvest({ store, tenant: 'default', from: '2024-05-01', to: '2024-05-03', out, now: () => new Date('2024-06-01T00:00:00.000Z') });
    db = await HarvestDatabase.open(join(temp, 'reader-duckdb'));
  });
  afterAll(async () => {
    db?.close();
    await rm(temp, { recursive: true, force: true });
  });

  it('writes exactly the expected pairs and labels (read back with DuckDB)', async () => {
    // Act
    const rows = await db.rows(
      `SELECT generation_id, candidate_id_0, candidate_id_1, label_0, label_1, signal, ai_feedback, weight, caption, best_image_uid, image_0_uid FROM read_parquet('${join(out, 'preferences.parquet')}')`,
    );
    // Assess
    expect(rows.map((row) => [NAMES[row.generation_id as string], row.candidate_id_0, row.candidate_id_1, row.label_0, row.label_1, row.signal, row.ai_feedback])).toEqual(EXPECTED_PAIRS);
    expect(rows[0]).toMatchObject({ caption: CAPTION, weight: 1, best_image_uid: `${G1}-c001`, image_0_uid: `${G1}-c000` });
    expect(rows[3]!.weight).toBe(0.25);
  });

  it('writes the Pick-a-Pic v2 column types the Diffusion-DPO trainer reads, and the provenance columns', async () => {
    // Act
    const schema = await db.rows(`DESCRIBE SELECT * FROM read_parquet('${join(out, 'preferences.parquet')}')`);
    const types = Object.fromEntries(schema.map((row) => [row.column_name, row.column_type]));
    // Assess
    expect(types).toMatchObject({
      caption: 'VARCHAR',
      jpg_0: 'BLOB',
      jpg_1: 'BLOB',
      label_0: 'DOUBLE',
      label_1: 'DOUBLE',
      are_different: 'BOOLEAN',
      best_image_uid: 'VARCHAR',
      image_0_uid: 'VARCHAR',
      image_1_uid: 'VARCHAR',
      user_id: 'BIGINT',
      ranking_id: 'BIGINT',
      created_at: 'TIMESTAMP_NS',
      generation_id: 'VARCHAR',
      candidate_id_0: 'VARCHAR',
      candidate_id_1: 'VARCHAR',
      signal: 'VARCHAR',
      weight: 'DOUBLE',
      ai_feedback: 'BOOLEAN',
      noise_0: 'STRUCT(seed BIGINT, weight DOUBLE)[]',
      noise_json_1: 'VARCHAR',
      steps_0: 'INTEGER',
      guidance_1: 'DOUBLE',
      final_prompt_0: 'VARCHAR',
    });
  });

  it('reads back the same pairs, noise recipes and decodable PNG bytes with an independent reader (hyparquet)', async () => {
    // Act
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'preferences.parquet')), utf8: false })) as Record<string, unknown>[];
    // Assess
    expect(rows.map((row) => [NAMES[row.generation_id as string], row.candidate_id_0, row.candidate_id_1, row.label_0, row.label_1, row.signal, row.ai_feedback])).toEqual(EXPECTED_PAIRS);
    const neighbourPair = rows[3]!;
    expect(neighbourPair.noise_1).toEqual(NEIGHBOUR.terms.map((term) => ({ seed: BigInt(term.seed), weight: term.weight })));
    expect(JSON.parse(neighbourPair.noise_json_1 as string)).toEqual(NEIGHBOUR);
    expect(neighbourPair).toMatchObject({ noise_0: [{ seed: 1000n, weight: 1 }], steps_0: 20, guidance_0: 5, final_prompt_0: 'final prompt c000', final_prompt_1: 'final prompt c003', are_different: true });
    for (const row of rows) {
      for (const [column, candidateColumn] of [['jpg_0', 'candidate_id_0'], ['jpg_1', 'candidate_id_1']] as const) {
        const bytes = row[column] as Uint8Array;
        expect(bytes).toBeInstanceOf(Uint8Array);
        const metadata = await sharp(bytes).metadata();
        expect(metadata).toMatchObject({ format: 'png', width: 16, height: 16 });
        const stored = await readFile(join(store.root, candidateImageKey('default', row.generation_id as string, row[candidateColumn] as string)));
        expect(Buffer.from(bytes).equals(stored)).toBe(true);
      }
    }
    expect(new Date(rows[0]!.created_at as Date).toISOString()).toBe(at(4));
  });

  it('writes a dataset card whose YAML configs make load_dataset(out, split="train") read only the preferences', async () => {
    // Act
    const card = await readFile(join(out, 'README.md'), 'utf8');
    const front = parse(card.split('---\n')[1]!) as { configs: { config_name: string; data_files: { split: string; path: string }[] }[] };
    // Assess
    expect(front.configs.map((config) => [config.config_name, config.data_files])).toEqual([
      ['default', [{ split: 'train', path: 'preferences.parquet' }]],
      ['rankings', [{ split: 'train', path: 'rankings.parquet' }]],
      ['events', [{ split: 'train', path: 'events.parquet' }]],
    ]);
  });

  it('writes the KTO csv (file_name, caption, label, split) beside PNG files the rows name', async () => {
    // Act
    const rows = await db.rows(`SELECT * FROM read_csv('${join(out, 'kto', 'metadata.csv')}', header = true, all_varchar = true)`);
    // Assess
    expect(rows.map((row) => [NAMES[row.generation_id as string], row.candidate_id, row.split, row.label])).toEqual([
      ['G1', 'c000', 'intersections', '1'],
      ['G1', 'c001', 'exclusive_win', '1'],
      ['G1', 'c002', 'exclusive_lose', '0'],
      ['G2', 'c000', 'exclusive_lose', '0'],
      ['G2', 'c001', 'exclusive_win', '1'],
      ['G4', 'c000', 'intersections', '1'],
      ['G4', 'c001', 'intersections', '1'],
      ['G4', 'c002', 'exclusive_win', '1'],
      ['G4', 'c003', 'exclusive_lose', '0'],
    ]);
    expect(rows[0]).toMatchObject({ caption: CAPTION, file_name: `images/${G1}-c000.png`, file_path: `images/${G1}-c000.png` });
    for (const row of rows) expect((await sharp(join(out, 'kto', row.file_name as string)).metadata()).format).toBe('png');
    expect(await readFile(join(out, 'kto', 'train_processed_v3.csv'))).toEqual(await readFile(join(out, 'kto', 'metadata.csv')));
  });

  it('writes one listwise ranking per generation in reward order, with the images', async () => {
    // Act
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'rankings.parquet')), utf8: false })) as Record<string, unknown>[];
    // Assess
    expect(rows.map((row) => [NAMES[row.generation_id as string], row.candidate_ids])).toEqual([
      ['G1', ['c000', 'c001', 'c002', 'c003']],
      ['G2', ['c001', 'c000']],
      ['G4', ['c000', 'c001', 'c002', 'c003']],
    ]);
    expect(rows[0]!.rewards).toEqual([1, 2 / 3, 1 / 3, 0]);
    expect(rows[0]!.scores).toEqual([{ geneval: 1 }, { geneval: 2 / 3 }, { geneval: 1 / 3 }, { geneval: 0 }]);
    expect((rows[1]!.images as Uint8Array[]).length).toBe(2);
    expect((await sharp((rows[1]!.images as Uint8Array[])[0]!).metadata()).format).toBe('png');
  });

  it('keeps in events.parquet only consented, deduplicated events, and nothing of erased users or deleted generations', async () => {
    // Act
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'events.parquet')) })) as Record<string, unknown>[];
    // Assess
    expect(rows.map((row) => row.event_id)).toEqual([1, 2, 3, 4, 5, 7, 8, 13, 14, 15, 16, 17, 18, 19].map((tag) => eventIds[tag]));
    expect(rows.some((row) => row.app_user === 'mallory' || row.generation_id === G3 || row.generation_id === G5)).toBe(false);
    expect(rows[0]).toMatchObject({ tenant: 'default', dt: '2024-05-01', hour: '09', type: 'impression', consent: true, client_event_id: 'imp-0' });
  });

  it('records counts, rules, thresholds and a content hash over the files in the manifest', async () => {
    // Act
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    // Assess
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({ tenant: 'default', date_range: { from: '2024-05-01', to: '2024-05-03' }, created_at: '2024-06-01T00:00:00.000Z', source: { store: 'fs', read: 'direct' } });
    expect(manifest.thresholds).toEqual({ ai_margin: 0.5, include_ai_feedback: true, ai_max_pairs_per_generation: 32 });
    expect(manifest.counts.events).toEqual({
      read: 20,
      malformed: 0,
      unconsented: 1,
      erased_user: 1,
      duplicate_event_id: 1,
      duplicate_client_event_id: 1,
      erased_generation: 1,
      missing_generation: 1,
      unknown_candidate: 1,
      harvested: 14,
    });
    expect(manifest.counts.generations).toEqual({ referenced: 5, included: 3, erased: 1, missing: 1 });
    expect(manifest.counts.preferences).toMatchObject({ total: 11, human: 9, ai_feedback: 2, ties_dropped: 1, conflicting_dropped: 0 });
    expect(manifest.counts.preferences.by_signal).toMatchObject({ download: 2, dismiss: 3, select: 3, compare: 1, ai_reward: 2, regenerate: 0 });
    expect(manifest.counts.kto).toEqual({ exclusive_win: 3, exclusive_lose: 3, intersections: 3, total: 9, images: 9 });
    expect(manifest.counts.rankings).toBe(3);
    expect(manifest.rules.join(' ')).toMatch(/tie/);
    expect(manifest.warnings).toEqual([
      '1 events were about 1 generations whose records are gone, and were dropped',
      '1 events named candidates their generation does not have (or that failed), and were ignored',
    ]);
    const listing = manifest.files.map((file: { sha256: string; path: string }) => `${file.sha256}  ${file.path}\n`).join('');
    expect(createHash('sha256').update(listing).digest('hex')).toBe(manifest.content_sha256);
    for (const file of manifest.files) expect(createHash('sha256').update(await readFile(join(out, file.path))).digest('hex')).toBe(file.sha256);
    expect(manifest.files.map((file: { path: string }) => file.path)).toEqual(expect.arrayContaining(['README.md', 'preferences.parquet', 'rankings.parquet', 'events.parquet', 'kto/metadata.csv', `kto/images/${G1}-c000.png`]));
  });

  it('gives the same bytes when run again into the same directory, and refuses a directory that holds other files', async () => {
    // Act
    const again = await harvest({ store, tenant: 'default', from: '2024-05-01', to: '2024-05-03', out, now: () => new Date('2024-06-02T00:00:00.000Z') });
    const foreign = join(temp, 'foreign');
    await rm(foreign, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(foreign));
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    // Assess
    expect(again.manifest.content_sha256).toBe(result.manifest.content_sha256);
    await expect(harvest({ store, tenant: 'default', out: foreign })).rejects.toBeInstanceOf(HarvestOutputError);
    await expect(harvest({ store, tenant: 'default', from: '2024-05-03', to: '2024-05-01', out: join(temp, 'x') })).rejects.toBeInstanceOf(HarvestOptionsError);
  });

  it('writes no AI pairs with AI feedback off, and counts a higher margin', async () => {
    // Act
    const off = await harvest({ store, tenant: 'default', from: '2024-05-01', to: '2024-05-03', out: join(temp, 'no-ai'), includeAiFeedback: false });
    const strict = await harvest({ store, tenant: 'default', from: '2024-05-01', to: '2024-05-03', out: join(temp, 'strict'), aiMarginThreshold: 0.9 });
    // Assess
    expect(off.manifest.counts.preferences).toMatchObject({ total: 9, ai_feedback: 0 });
    expect(strict.manifest.counts.preferences).toMatchObject({ total: 10, ai_feedback: 1 });
  });
});
