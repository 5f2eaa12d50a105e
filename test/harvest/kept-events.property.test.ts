import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeedback } from '../../src/harvest/feedback-reader.js';
import { harvestGeneration, harvestKept } from '../../src/harvest/generation-harvest.js';
import { HarvestDatabase } from '../../src/harvest/harvest-database.js';
import type { HarvestGeneration } from '../../src/harvest/harvest-generation.js';
import { DEFAULT_THRESHOLDS } from '../../src/harvest/harvest-rules.js';
import { KeptEvents } from '../../src/harvest/kept-events.js';
import { keptEventsQuery } from '../../src/harvest/kept-events-sql.js';
import { erasureKey, feedbackBatchKey } from '../../src/records/generation-layout.js';
import { candidate } from './harvest-fixtures.js';
import { uuidAt } from './harvest-store.js';
import { referenceCounts, referenceEvents } from './reference-events.js';

/**
 * Generation ids the events name: two UUIDv7s, one id that is not a UUID (the rules take any string) and
 * the first UUID in capitals (another id, though DuckDB casts both to one UUID).
 */
const GENERATIONS = [uuidAt('2024-04-30T00:00:00.000Z', 1), uuidAt('2024-04-30T00:00:01.000Z', 2), 'not-a-uuid', uuidAt('2024-04-30T00:00:00.000Z', 1).toUpperCase()];
const CANDIDATE_IDS = ['c000', 'c001', 'c002', 'c003', 'c009', ''];
/** Receipt times with ties, a second format DuckDB parses and one it does not (read as 0 by both paths). */
const TIMES = ['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.001Z', '2024-05-01T10:00:05.000Z', '2024-05-02T08:00:00.000Z', '2024-05-01 10:00:03', 'yesterday'];
const TYPES = ['impression', 'impression', 'select', 'download', 'share', 'upscale', 'regenerate', 'regenerate', 'dismiss', 'rate', 'rate', 'compare', 'compare', 'teleport'];

const optional = <T,>(arbitrary: fc.Arbitrary<T>, freq = 3): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined, freq });
/** One of the values, each as often as its weight: most events are about few generations and users, so that they meet. */
const weighted = <T,>(...choices: readonly (readonly [T, number])[]): fc.Arbitrary<T> => fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));

const candidateId = weighted(['c000', 4], ['c001', 4], ['c002', 3], ['c003', 2], ['c009', 1], ['', 1]);
const receivedAt = weighted(...TIMES.map((time, index) => [time, index < 5 ? 4 : 1] as const));

/** A line as the API writes it: consented (mostly), well-formed, about few generations, users and candidates, so that events meet. */
const apiLine = fc
  .record({
    type: weighted(['impression', 6], ['select', 2], ['download', 2], ['share', 1], ['upscale', 1], ['regenerate', 2], ['dismiss', 2], ['rate', 3], ['compare', 3]),
    generation_id: weighted([GENERATIONS[0]!, 6], [GENERATIONS[1]!, 3], [GENERATIONS[2]!, 1], [GENERATIONS[3]!, 1]),
    candidate: candidateId,
    names: fc.boolean(),
    pair: fc.tuple(candidateId, candidateId),
    pick: weighted(['first', 4], ['second', 4], ['tie', 2], ['other', 1]),
    rating: fc.integer({ min: 1, max: 5 }),
    app_user: weighted(['alice', 6], ['bob', 3], ['mallory', 1], ['', 1], [undefined, 1]),
    // mostly none; a few shared ids make client retries (and, across generations, distinct events)
    client_event_id: weighted([undefined, 10], ['k1', 1], ['k2', 1]),
    consent: weighted([true, 12], [false, 1]),
    received_at: receivedAt,
    idTime: fc.constantFrom(...TIMES.slice(0, 5)),
  })
  .map(({ type, candidate: named, names, pair, pick, rating, ...fields }) => ({
    ...fields,
    type,
    ...(type === 'compare' ? { candidate_ids: pair, choice: pick === 'first' ? pair[0] : pick === 'second' ? pair[1] : pick } : type === 'regenerate' && !names ? {} : { candidate_id: named }),
    ...(type === 'rate' ? { rating } : {}),
  }));

/** A line with every field free to be odd: what a hand-edited store may hold. */
const oddLine = fc.record(
  {
    type: optional(fc.constantFrom(...TYPES), 12),
    generation_id: optional(fc.constantFrom(...GENERATIONS), 20),
    candidate_id: optional(fc.constantFrom(...CANDIDATE_IDS)),
    candidate_ids: optional(fc.oneof(fc.tuple(fc.constantFrom(...CANDIDATE_IDS), fc.constantFrom(...CANDIDATE_IDS)), fc.array(fc.constantFrom(...CANDIDATE_IDS), { maxLength: 3 })), 1),
    choice: optional(fc.constantFrom(...CANDIDATE_IDS, 'tie', 'other')),
    rating: optional(fc.integer({ min: 0, max: 6 })),
    client_event_id: optional(fc.constantFrom('k1', 'k2')),
    app_user: optional(fc.constantFrom('alice', 'bob', 'mallory', '')),
    consent: optional(fc.boolean()),
    received_at: optional(receivedAt, 25),
    idTime: fc.constantFrom(...TIMES.slice(0, 5)),
    /** How the stored event id is written: as the server writes it, in capitals, or not as a UUID. */
    idForm: weighted(['uuid', 3], ['capitals', 1], ['text', 1]),
  },
  { requiredKeys: ['idTime', 'idForm'] },
);

const storedLine = fc.oneof({ arbitrary: apiLine, weight: 5 }, { arbitrary: oddLine, weight: 1 });

/** A store's worth of feedback: lines (some repeated exactly), spread over batch files in two days, maybe another tenant, maybe an erasure. */
const scenario = fc.record({
  lines: fc.array(fc.record({ line: storedLine, copies: fc.constantFrom(1, 1, 1, 1, 2, 3), file: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 60, size: 'max' }),
  otherTenantFile: fc.boolean(),
  eraseMallory: fc.boolean(),
  failed: fc.subarray(['c000', 'c001', 'c002', 'c003'], { maxLength: 2 }),
  rewards: fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { minLength: 4, maxLength: 4 }),
  scope: fc.constantFrom({}, { from: '2024-05-01', to: '2024-05-01' }, { from: '2024-05-02' }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function writeScenario(root: string, value: Scenario): Promise<void> {
  const put = async (key: string, text: string): Promise<void> => {
    const path = join(root, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  };
  const files: string[][] = [[], [], [], []];
  value.lines.forEach(({ line, copies, file }, index) => {
    const { idTime, ...fields } = line;
    const idForm = 'idForm' in fields ? fields.idForm : 'uuid';
    delete (fields as { idForm?: unknown }).idForm;
    // unique event ids (the server stamps them), ordered independently of receipt times
    const uuid = uuidAt(idTime, index + 1);
    const eventId = idForm === 'capitals' ? uuid.toUpperCase() : idForm === 'text' ? `event-${String(index + 1).padStart(3, '0')}` : uuid;
    const stored = JSON.stringify({ ...fields, event_id: eventId, tenant: 'default' });
    for (let copy = 0; copy < copies; copy += 1) files[(file + copy) % files.length]!.push(stored);
  });
  const days = ['2024-05-01T10:00:00.000Z', '2024-05-01T11:00:00.000Z', '2024-05-02T09:00:00.000Z', '2024-05-02T23:00:00.000Z'];
  await Promise.all(files.map((lines, index) => (lines.length > 0 ? put(feedbackBatchKey('default', new Date(days[index]!), `batch-${index}`), lines.map((line) => `${line}\n`).join('')) : undefined)));
  if (value.otherTenantFile) await put(feedbackBatchKey('other', new Date(days[0]!), 'batch-x'), `${files.flat()[0] ?? '{}'}\n`);
  if (value.eraseMallory) await put(erasureKey('default', 'erasure-1'), JSON.stringify({ tenant: 'default', app_user: 'mallory', erasure_id: 'erasure-1', requested_at: days[0] }));
}

function recordOf(id: string, value: Scenario): HarvestGeneration {
  const candidates = ['c000', 'c001', 'c002', 'c003'].map((candidateId, index) =>
    value.failed.includes(candidateId) ? candidate(candidateId, null, { status: 'failed' }) : candidate(candidateId, value.rewards[index] ?? null, value.rewards[index] === null ? { status: 'completed' } : {}),
  );
  return { id, prompt: `prompt of ${id}`, finalPrompt: null, appUser: 'alice', createdAt: '2024-04-30T00:00:00.000Z', candidates };
}

describe('harvest rules on the kept-event columns (keptEventsQuery in DuckDB → KeptEvents → harvestKept) against the reference path (portable SQL → event objects → harvestGeneration), with real and with colliding hashes', () => {
  let temp: string;
  let db: HarvestDatabase;
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-kept-events-'));
    db = await HarvestDatabase.open(join(temp, 'duckdb'));
  });
  afterAll(async () => {
    db.close();
    await rm(temp, { recursive: true, force: true });
  });

  it('gives the same counts, generations, pairs, labels, provenance and ignored events on random stores, also when every hash collides', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (value) => {
        // Prepare
        run += 1;
        const root = join(temp, `store-${run}`);
        await writeScenario(root, value);
        const scope = { tenant: 'default', ...value.scope };
        // Act
        const read = await readFeedback(db, root, scope);
        const events = await referenceEvents(db, read);
        const counts = await referenceCounts(db, read);
        // Assess
        expect(read.counts).toEqual(counts);
        const ids = [...new Set(events.map((event) => event.generationId))].sort();
        expect(read.events.generationIds()).toEqual(ids);
        // the same rows with every hash equal: each run and copy must then be told apart by its strings
        const collided = KeptEvents.fromColumns(
          await db.columns(`SELECT * REPLACE (0::DOUBLE AS gh, 0::DOUBLE AS uh, 0::DOUBLE AS kh, 0::DOUBLE AS eh) FROM (${keptEventsQuery(read.scoped)}) ORDER BY gu NULLS FIRST, g NULLS FIRST, u, r, eu, e`),
        );
        expect(collided.tallies).toEqual(KeptEvents.fromColumns(await db.columns(keptEventsQuery(read.scoped))).tallies);
        expect(collided.events.generationIds()).toEqual(ids);
        for (const id of ids) {
          const about = events.filter((event) => event.generationId === id);
          expect(read.events.countOf(id)).toBe(about.length);
          const generation = recordOf(id, value);
          const expected = harvestGeneration(generation, about, DEFAULT_THRESHOLDS);
          expect(harvestKept(generation, read.events, DEFAULT_THRESHOLDS)).toEqual(expected);
          expect(harvestKept(generation, collided.events, DEFAULT_THRESHOLDS)).toEqual(expected);
        }
        await rm(root, { recursive: true, force: true });
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 30) },
    );
  }, 600_000);
});
