import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarvestDatabase } from '../../src/harvest/harvest-database.js';

// strings at the edges of DuckDB's string_t: empty, inline (≤ 12 bytes) ASCII and not, 12/13 bytes, long, astral
const SAMPLES = ['', 'c000', 'abcdefghijkl', 'abcdefghijklm', 'é', 'ééééé', 'éééééé', 'naïve-user', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '😀', '😀😀😀', 'x'.repeat(300), "it's"];

describe('ResultColumns (read from the vectors of an embedded DuckDB)', () => {
  let temp: string;
  let db: HarvestDatabase;
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-columns-'));
    db = await HarvestDatabase.open(temp);
  });
  afterAll(async () => {
    db.close();
    await rm(temp, { recursive: true, force: true });
  });

  const list = `[${SAMPLES.map((sample) => `'${sample.replaceAll("'", "''")}'`).join(', ')}]`;
  // 5,000 rows: three chunks of DuckDB's 2,048, with NULLs spread over them
  const query = `SELECT i,
      CASE WHEN i % 7 = 3 THEN NULL ELSE ${list}[(i % ${SAMPLES.length}) + 1] END AS s,
      CASE WHEN i % 5 = 0 THEN NULL ELSE CAST(i AS DOUBLE) * 0.5 - 100 END AS d
    FROM range(5000) r(i) ORDER BY i`;

  it('reads VARCHAR and DOUBLE columns exactly as DuckDB returns them, NULLs included, across chunks', async () => {
    const expected = await db.rows(query.replace('SELECT i,', 'SELECT CAST(i AS DOUBLE) AS i,'));
    const columns = await db.columns(query.replace('SELECT i,', 'SELECT CAST(i AS DOUBLE) AS i,'));
    expect(columns.rowCount).toBe(5000);
    const text = columns.text('s');
    const lazy = columns.lazyText('s');
    const numbers = columns.number('d');
    const ids = columns.number('i');
    for (let row = 0; row < 5000; row += 1) {
      expect(ids[row]).toBe(row);
      expect(text[row]).toBe(expected[row]!.s);
      expect(numbers[row]).toBe(expected[row]!.d === null ? Number.NaN : expected[row]!.d);
    }
    // lazily, out of order (the chunk search), including the last row of a chunk and the first of the next
    for (const row of [4999, 0, 2047, 2048, 4095, 4096, 17, 3000]) expect(lazy(row)).toBe(expected[row]!.s);
    expect(new Set(text)).toEqual(new Set([...SAMPLES, null]));
  });

  it('reads a UUID column as the canonical text DuckDB casts it to, the sign bit and NULLs included', async () => {
    const edges = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '7fffffff-ffff-ffff-ffff-ffffffffffff', '80000000-0000-0000-0000-000000000000', '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B'];
    const sql = `SELECT u, CAST(u AS VARCHAR) AS text FROM (
        SELECT CASE WHEN i % 9 = 8 THEN NULL WHEN i < ${edges.length} THEN CAST([${edges.map((edge) => `'${edge}'`).join(', ')}][i + 1] AS UUID) ELSE uuid() END AS u
        FROM range(3000) r(i)) ORDER BY text NULLS FIRST`;
    const columns = await db.columns(sql);
    const uuid = columns.lazyUuid('u');
    const text = columns.text('text');
    let nulls = 0;
    for (let row = 0; row < columns.rowCount; row += 1) {
      expect(uuid(row)).toBe(text[row]);
      if (text[row] === null) nulls += 1;
    }
    expect(nulls).toBeGreaterThan(300);
    for (const edge of edges) expect(text).toContain(edge.toLowerCase());
    expect(() => columns.lazyUuid('text')).toThrow(/not UUID/);
  });

  it('refuses to read a column as the wrong type, and an unknown column', async () => {
    const columns = await db.columns(`SELECT 1::INTEGER AS n, 'a' AS s, 1.5::DOUBLE AS d`);
    expect(() => columns.number('n')).toThrow(/not DOUBLE/);
    expect(() => columns.number('s')).toThrow(/not DOUBLE/);
    expect(() => columns.text('d')).toThrow(/not VARCHAR/);
    expect(() => columns.text('missing')).toThrow(/no column missing/);
    expect(columns.number('d')[0]).toBe(1.5);
  });

  it('reads an empty result', async () => {
    const columns = await db.columns(`SELECT 'a' AS s, 1.0::DOUBLE AS d WHERE false`);
    expect(columns.rowCount).toBe(0);
    expect(columns.text('s')).toEqual([]);
    expect(columns.number('d').length).toBe(0);
  });
});
