import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { createApp } from '../../src/api/app.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { harvest } from '../../src/harvest/index.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('generate → feedback → harvest (the app over HTTP, fs storage, read back with DuckDB and hyparquet)', () => {
  it('produces exactly the expected pairs, labels and noise recipes, with image bytes that decode, and leaves erased users out', async () => {
    // Prepare: two generations of three images; u-keep downloads one of the first and prefers one of the second
    // in a side-by-side compare; u-gone, later erased, selects in the first
    const dataDir = await mkdtemp(join(tmpdir(), 'diffalign-e2e-harvest-'));
    const app = createApp({ generator: new SolidColorGenerator(), scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } }, store: new FsBlobStore(dataDir) });
    const generate = async (prompt: string, seed: number): Promise<GenerationRecord> => (await (await app.request('/v1/generations', post({ prompt, seed, search: { budget: 3 } }))).json()) as GenerationRecord;
    const first = await generate('a photo of a red apple', 1);
    const second = await generate('a photo of a blue car', 2);
    const feedback = await app.request(
      '/v1/feedback',
      post({
        events: [
          ...['c000', 'c001', 'c002'].map((candidate_id) => ({ type: 'impression', generation_id: first.id, candidate_id, app_user: 'u-keep', consent: true })),
          { type: 'download', generation_id: first.id, candidate_id: 'c002', app_user: 'u-keep', consent: true, client_event_id: 'dl-1' },
          { type: 'download', generation_id: first.id, candidate_id: 'c002', app_user: 'u-keep', consent: true, client_event_id: 'dl-1' },
          { type: 'compare', generation_id: second.id, candidate_ids: ['c000', 'c001'], choice: 'c001', app_user: 'u-keep', consent: true },
          { type: 'compare', generation_id: second.id, candidate_ids: ['c001', 'c002'], choice: 'tie', app_user: 'u-keep', consent: true },
          { type: 'select', generation_id: first.id, candidate_id: 'c000', app_user: 'u-gone', consent: true },
          { type: 'select', generation_id: first.id, candidate_id: 'c001', app_user: 'u-noconsent', consent: false },
        ],
      }),
    );
    expect(feedback.status).toBe(202);
    expect((await app.request('/v1/erasures', post({ app_user: 'u-gone' }))).status).toBe(202);
    const out = join(await mkdtemp(join(tmpdir(), 'diffalign-e2e-out-')), 'dataset');

    // Act
    await harvest({ store: new FsBlobStore(dataDir), tenant: 'default', out, includeAiFeedback: false });

    // Assess: the pairs, read by DuckDB
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const pairs = (
      await connection.runAndReadAll(`select generation_id, candidate_id_0, candidate_id_1, label_0, label_1, signal, noise_json_0, noise_json_1, app_user from read_parquet('${join(out, 'preferences.parquet')}') order by generation_id, candidate_id_0, candidate_id_1`)
    ).getRowObjects();
    const events = (await connection.runAndReadAll(`select app_user, client_event_id, type from read_parquet('${join(out, 'events.parquet')}')`)).getRowObjects();
    connection.closeSync();
    const expected = [
      // the download outranks what was only shown (impressions) in the first generation
      { generation_id: first.id, candidate_id_0: 'c000', candidate_id_1: 'c002', label_0: 0, label_1: 1 },
      { generation_id: first.id, candidate_id_0: 'c001', candidate_id_1: 'c002', label_0: 0, label_1: 1 },
      // the explicit compare in the second; the tie is dropped
      { generation_id: second.id, candidate_id_0: 'c000', candidate_id_1: 'c001', label_0: 0, label_1: 1 },
    ].sort((a, b) => `${a.generation_id}${a.candidate_id_0}`.localeCompare(`${b.generation_id}${b.candidate_id_0}`));
    expect(pairs.map(({ generation_id, candidate_id_0, candidate_id_1, label_0, label_1 }) => ({ generation_id, candidate_id_0, candidate_id_1, label_0: Number(label_0), label_1: Number(label_1) }))).toEqual(expected);
    const recordOf = (id: unknown): GenerationRecord => (id === first.id ? first : second);
    for (const pair of pairs) {
      const record = recordOf(pair['generation_id']);
      for (const side of ['0', '1'] as const) {
        const candidate = record.candidates.find((item) => item.id === pair[`candidate_id_${side}`])!;
        expect(JSON.parse(String(pair[`noise_json_${side}`]))).toEqual(candidate.noise);
      }
      expect(pair['app_user']).toBe('u-keep');
    }
    // the consented, deduplicated, non-erased events
    expect(events.some((event) => event['app_user'] === 'u-gone')).toBe(false);
    expect(events.some((event) => event['app_user'] === 'u-noconsent')).toBe(false);
    expect(events.filter((event) => event['client_event_id'] === 'dl-1')).toHaveLength(1);

    // the same file through an independent Parquet reader: image bytes decode, labels agree
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'preferences.parquet')), utf8: false })) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      for (const column of ['jpg_0', 'jpg_1']) {
        expect((await sharp(Buffer.from(row[column] as Uint8Array)).metadata()).format).toBe('png');
      }
      expect(Number(row['label_0']) + Number(row['label_1'])).toBe(1);
    }
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { counts: unknown };
    expect(manifest.counts).toBeDefined();
  });
});
