import { join } from 'node:path';
import type { DuckDBVector } from '@duckdb/node-api';
import { columnsLiteral, type HarvestDatabase } from './harvest-database.js';
import { allocateColumns, KeptEvents } from './kept-events.js';
import {
  dedupedEventsQuery,
  duplicateCountsQuery,
  ERASURE_COLUMNS,
  exclusionCountsQuery,
  FEEDBACK_COLUMNS,
  FEEDBACK_TYPE_NAMES,
  keptEventIdsQuery,
  scopedFeedbackQuery,
  sqlString,
  type FeedbackScope,
} from './feedback-sql.js';

/** What reading the feedback found, before the records are consulted. */
export interface FeedbackCounts {
  /** Rows in the scope (tenant and dt range), after partition pruning. */
  readonly read: number;
  readonly malformed: number;
  readonly unconsented: number;
  readonly erasedUser: number;
  /** Extra copies of one event id. */
  readonly duplicateEventId: number;
  /** Retries: other event ids with the same client event id in the same generation. */
  readonly duplicateClientEventId: number;
  /** Events that count. */
  readonly kept: number;
}

/** The events that count (grouped by generation), the counts, and the tenant's erased app users. */
export interface FeedbackRead {
  readonly events: KeptEvents;
  readonly counts: FeedbackCounts;
  readonly erasedUsers: ReadonlySet<string>;
}

/** The view the reader leaves in the database for the writer: the deduplicated events (the portable query of `feedback-sql.ts`). */
export const HARVEST_EVENTS_TABLE = 'harvest_events';

const NDJSON_OPTIONS = "hive_partitioning = true, hive_types_autocast = false, format = 'newline_delimited', ignore_errors = true";

/**
 * Reads the feedback of a scope with DuckDB from a directory in the store layout (`feedback/tenant=…/dt=…/
 * hour=…/*.ndjson`, `erasures/tenant=…/*.json`): the Hive partitions become columns and the `dt` filter
 * prunes whole directories, like a partition-projected Athena table. Applies consent, erasure and
 * deduplication in SQL (`feedback-sql.ts`), leaves the result as the view `harvest_events`, and returns the events.
 * DuckDB-only here: the `read_ndjson`/`read_json` sources (with `ignore_errors`, a malformed line is
 * skipped, as Athena's JSON SerDe does with `ignore.malformed.json`), the temp tables, and the transfer.
 */
export async function readFeedback(db: HarvestDatabase, root: string, scope: FeedbackScope): Promise<FeedbackRead> {
  const erasureGlob = join(root, 'erasures', 'tenant=*', '*.json');
  const feedbackGlob = join(root, 'feedback', 'tenant=*', 'dt=*', 'hour=*', '*.ndjson');
  if ((await db.globCount(erasureGlob)) > 0) {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE harvest_erasures AS SELECT tenant, app_user FROM read_json(${sqlString(erasureGlob)}, hive_partitioning = true, hive_types_autocast = false, ignore_errors = true, columns = ${columnsLiteral(ERASURE_COLUMNS)})`,
    );
  } else {
    await db.run('CREATE OR REPLACE TEMP TABLE harvest_erasures (tenant VARCHAR, app_user VARCHAR)');
  }
  const source =
    (await db.globCount(feedbackGlob)) > 0
      ? `read_ndjson(${sqlString(feedbackGlob)}, ${NDJSON_OPTIONS}, columns = ${columnsLiteral(FEEDBACK_COLUMNS)})`
      : `(SELECT ${[...Object.entries(FEEDBACK_COLUMNS), ['tenant', 'VARCHAR'], ['dt', 'VARCHAR'], ['hour', 'VARCHAR']].map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ')} WHERE false)`;
  await db.run(`CREATE OR REPLACE TEMP TABLE harvest_scoped AS ${scopedFeedbackQuery(source, 'harvest_erasures', scope)}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE harvest_kept AS ${keptEventIdsQuery('harvest_scoped')}`);
  await db.run(`CREATE OR REPLACE VIEW ${HARVEST_EVENTS_TABLE} AS ${dedupedEventsQuery('harvest_scoped', 'harvest_kept')}`);

  const exclusions = new Map((await db.rows(exclusionCountsQuery('harvest_scoped'))).map((row) => [row.excluded as string | null, Number(row.n)]));
  const [sizes] = await db.rows(duplicateCountsQuery('harvest_scoped'));
  const [kept] = await db.rows('SELECT count(*) AS n FROM harvest_kept');
  const rowsKept = Number(sizes?.rows_kept ?? 0);
  const eventIds = Number(sizes?.event_ids ?? 0);
  const keptCount = Number(kept?.n ?? 0);
  const erased = await db.rows(`SELECT DISTINCT app_user FROM harvest_erasures WHERE tenant = ${sqlString(scope.tenant)} AND app_user IS NOT NULL`);
  return {
    events: await transferEvents(db, keptCount),
    counts: {
      read: [...exclusions.values()].reduce((sum, n) => sum + n, 0),
      malformed: exclusions.get('malformed') ?? 0,
      unconsented: exclusions.get('unconsented') ?? 0,
      erasedUser: exclusions.get('erased_user') ?? 0,
      duplicateEventId: rowsKept - eventIds,
      duplicateClientEventId: eventIds - keptCount,
      kept: keptCount,
    },
    erasedUsers: new Set(erased.map((row) => row.app_user as string)),
  };
}

/**
 * Moves the kept events into JS typed columns (`KeptEvents`; the rules sort each generation's events by
 * receipt themselves). DuckDB-only and built for speed, since turning a VARCHAR into a JS string costs far
 * more per value than a number: repeated strings (generation ids, users, candidate ids, choices) cross as
 * codes of one ENUM (`enum_code`, no joins), the type as its index in `FEEDBACK_TYPE_NAMES`, the time as
 * epoch ms; the unique event ids cross once, as one joined string of `harvest_kept` in `rowid` order, and
 * every kept row carries its event's `rowid` there as its slot. Exact copies of a line (same event id)
 * fill the same slot with the same values, so they count once.
 */
async function transferEvents(db: HarvestDatabase, keptCount: number): Promise<KeptEvents> {
  if (keptCount === 0) return new KeptEvents(allocateColumns(0), [], FEEDBACK_TYPE_NAMES);
  const texts = ['generation_id', 'app_user', 'candidate_id', 'candidate_ids[1]', 'candidate_ids[2]', 'choice'];
  await db.run(`DROP TYPE IF EXISTS harvest_text; CREATE TYPE harvest_text AS ENUM (
SELECT DISTINCT value FROM (${texts.map((column) => `SELECT s.${column} AS value FROM harvest_scoped s WHERE s.excluded IS NULL`).join(' UNION ALL ')}) WHERE value IS NOT NULL)`);
  const dictionary = await joinedStrings(db, 'SELECT array_to_string(enum_range(NULL::harvest_text), chr(10)) AS joined, len(enum_range(NULL::harvest_text)) AS n', 'SELECT unnest(enum_range(NULL::harvest_text)) AS value');
  const ids = await joinedStrings(
    db,
    'SELECT string_agg(event_id, chr(10) ORDER BY rowid) AS joined, count(*) AS n FROM harvest_kept',
    'SELECT event_id AS value FROM harvest_kept ORDER BY rowid',
  );
  const code = (column: string): string => `COALESCE(CAST(enum_code(TRY_CAST(s.${column} AS harvest_text)) AS INTEGER), -1)`;
  const typeCase = FEEDBACK_TYPE_NAMES.map((name, index) => `WHEN ${sqlString(name)} THEN ${index}`).join(' ');
  const chunks = await db.chunks(`
SELECT CAST(k.rowid AS INTEGER), ${texts.map(code).join(', ')}, CAST(CASE s.type ${typeCase} ELSE -1 END AS INTEGER),
       COALESCE(s.rating, -1), COALESCE(CAST(epoch_ms(TRY_CAST(s.received_at AS TIMESTAMP)) AS DOUBLE), 0)
FROM harvest_scoped s JOIN harvest_kept k ON k.event_id = s.event_id
WHERE s.excluded IS NULL`);
  const columns = allocateColumns(ids.length);
  columns.count = ids.length;
  ids.forEach((id, slot) => (columns.eventIds[slot] = id));
  for (const chunk of chunks) {
    const [slots, generation, user, candidate, first, second, choice, type, rating, receivedAt] = Array.from({ length: 10 }, (_, column) => chunk.getColumnVector(column) as DuckDBVector<number>);
    for (let row = 0; row < chunk.rowCount; row += 1) {
      const at = slots!.getItem(row)!;
      columns.generation[at] = generation!.getItem(row)!;
      columns.user[at] = user!.getItem(row)!;
      columns.candidate[at] = candidate!.getItem(row)!;
      columns.first[at] = first!.getItem(row)!;
      columns.second[at] = second!.getItem(row)!;
      columns.choice[at] = choice!.getItem(row)!;
      columns.type[at] = type!.getItem(row)!;
      columns.rating[at] = rating!.getItem(row)!;
      columns.receivedAt[at] = receivedAt!.getItem(row)!;
    }
  }
  return new KeptEvents(columns, dictionary, FEEDBACK_TYPE_NAMES);
}

/**
 * Strings of a query as one value joined by newlines (`joined`, with their count `n`): one VARCHAR crosses
 * instead of thousands, and is split here; when a string holds a newline itself (the count does not
 * match), row by row instead (`value`).
 */
async function joinedStrings(db: HarvestDatabase, joinedSql: string, rowsSql: string): Promise<string[]> {
  const [result] = await db.rows(joinedSql);
  const expected = Number(result?.n ?? 0);
  if (expected === 0) return [];
  const strings = String(result?.joined ?? '').split('\n');
  if (strings.length === expected) return strings;
  return (await db.rows(rowsSql)).map((row) => String(row.value));
}
