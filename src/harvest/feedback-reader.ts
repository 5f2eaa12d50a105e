import { join } from 'node:path';
import type { DuckDBVector } from '@duckdb/node-api';
import type { FeedbackType, HarvestEvent } from './harvest-event.js';
import { columnsLiteral, type HarvestDatabase } from './harvest-database.js';
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

/** The events that count (in receipt order), the counts, and the tenant's erased app users. */
export interface FeedbackRead {
  readonly events: readonly HarvestEvent[];
  readonly counts: FeedbackCounts;
  readonly erasedUsers: ReadonlySet<string>;
}

/** Tables the reader leaves in the database for the writer: the deduplicated events (`harvest_events`). */
export const HARVEST_EVENTS_TABLE = 'harvest_events';

const NDJSON_OPTIONS = "hive_partitioning = true, hive_types_autocast = false, format = 'newline_delimited', ignore_errors = true";

/**
 * Reads the feedback of a scope with DuckDB from a directory in the store layout (`feedback/tenant=…/dt=…/
 * hour=…/*.ndjson`, `erasures/tenant=…/*.json`): the Hive partitions become columns and the `dt` filter
 * prunes whole directories, like a partition-projected Athena table. Applies consent, erasure and
 * deduplication in SQL (`feedback-sql.ts`), leaves the result in `harvest_events`, and returns the events.
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
  await db.run(`CREATE OR REPLACE TEMP TABLE ${HARVEST_EVENTS_TABLE} AS ${dedupedEventsQuery('harvest_scoped', 'harvest_kept')}`);

  const exclusions = new Map((await db.rows(exclusionCountsQuery('harvest_scoped'))).map((row) => [row.excluded as string | null, Number(row.n)]));
  const [sizes] = await db.rows(duplicateCountsQuery('harvest_scoped'));
  const [kept] = await db.rows('SELECT count(*) AS n FROM harvest_kept');
  const rowsKept = Number(sizes?.rows_kept ?? 0);
  const eventIds = Number(sizes?.event_ids ?? 0);
  const keptCount = Number(kept?.n ?? 0);
  const erased = await db.rows(`SELECT DISTINCT app_user FROM harvest_erasures WHERE tenant = ${sqlString(scope.tenant)} AND app_user IS NOT NULL`);
  return {
    events: await transferEvents(db),
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
 * Moves `harvest_events` into JS objects, in event id (= receipt) order. DuckDB-only and built for speed:
 * turning a VARCHAR into a JS string costs far more per value than a number, so repeated strings
 * (generation ids, users, candidate ids) cross as integer codes of one dictionary, the type as its index
 * in `FEEDBACK_TYPE_NAMES`, the time as epoch ms, and the unique event ids as one joined string.
 */
async function transferEvents(db: HarvestDatabase): Promise<HarvestEvent[]> {
  await db.run(`
CREATE OR REPLACE TEMP TABLE harvest_dictionary AS
SELECT value, CAST(row_number() OVER (ORDER BY value) - 1 AS INTEGER) AS code FROM (
  SELECT generation_id AS value FROM ${HARVEST_EVENTS_TABLE} UNION SELECT app_user FROM ${HARVEST_EVENTS_TABLE}
  UNION SELECT candidate_id FROM ${HARVEST_EVENTS_TABLE} UNION SELECT candidate_ids[1] FROM ${HARVEST_EVENTS_TABLE}
  UNION SELECT candidate_ids[2] FROM ${HARVEST_EVENTS_TABLE} UNION SELECT choice FROM ${HARVEST_EVENTS_TABLE}
) WHERE value IS NOT NULL`);
  const dictionary = (await db.rows('SELECT value FROM harvest_dictionary ORDER BY code')).map((row) => row.value as string);
  const typeCase = FEEDBACK_TYPE_NAMES.map((name, index) => `WHEN ${sqlString(name)} THEN ${index}`).join(' ');
  const code = (alias: string): string => `COALESCE(${alias}.code, -1)`;
  const chunks = await db.chunks(`
SELECT ${code('g')}, CAST(CASE e.type ${typeCase} ELSE -1 END AS INTEGER), ${code('c')}, ${code('c1')}, ${code('c2')}, ${code('ch')}, ${code('u')},
       COALESCE(e.rating, -1), COALESCE(CAST(epoch_ms(TRY_CAST(e.received_at AS TIMESTAMP)) AS DOUBLE), 0)
FROM ${HARVEST_EVENTS_TABLE} e
LEFT JOIN harvest_dictionary g ON g.value = e.generation_id
LEFT JOIN harvest_dictionary c ON c.value = e.candidate_id
LEFT JOIN harvest_dictionary c1 ON c1.value = e.candidate_ids[1]
LEFT JOIN harvest_dictionary c2 ON c2.value = e.candidate_ids[2]
LEFT JOIN harvest_dictionary ch ON ch.value = e.choice
LEFT JOIN harvest_dictionary u ON u.value = e.app_user
ORDER BY e.event_id`);
  const ids = await eventIdsInOrder(db, chunks.reduce((sum, chunk) => sum + chunk.rowCount, 0));
  const text = (value: number): string | null => (value >= 0 ? dictionary[value]! : null);
  const events: HarvestEvent[] = [];
  for (const chunk of chunks) {
    const columns = Array.from({ length: 9 }, (_, index) => chunk.getColumnVector(index) as DuckDBVector<number>);
    const [generation, type, candidate, first, second, choice, user, rating, receivedAt] = columns as [DuckDBVector<number>, ...DuckDBVector<number>[]];
    for (let row = 0; row < chunk.rowCount; row += 1) {
      const firstId = text(first!.getItem(row)!);
      const secondId = text(second!.getItem(row)!);
      const ratingValue = rating!.getItem(row)!;
      events.push({
        eventId: ids[events.length]!,
        type: FEEDBACK_TYPE_NAMES[type!.getItem(row)!] as FeedbackType,
        generationId: text(generation.getItem(row)!)!,
        candidateId: text(candidate!.getItem(row)!),
        candidateIds: firstId !== null && secondId !== null ? [firstId, secondId] : null,
        choice: text(choice!.getItem(row)!),
        rating: ratingValue >= 0 ? ratingValue : null,
        appUser: text(user!.getItem(row)!),
        receivedAt: receivedAt!.getItem(row)!,
      });
    }
  }
  return events;
}

/** The event ids of `harvest_events` in order, as one joined string (split here); row by row when an id holds the separator. */
async function eventIdsInOrder(db: HarvestDatabase, count: number): Promise<string[]> {
  if (count === 0) return [];
  const [joined] = await db.rows(`SELECT string_agg(event_id, chr(10) ORDER BY event_id) AS ids FROM ${HARVEST_EVENTS_TABLE}`);
  const ids = String(joined?.ids ?? '').split('\n');
  if (ids.length === count) return ids;
  return (await db.rows(`SELECT event_id FROM ${HARVEST_EVENTS_TABLE} ORDER BY event_id`)).map((row) => row.event_id as string);
}
