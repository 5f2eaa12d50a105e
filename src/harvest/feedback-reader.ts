import { join } from 'node:path';
import { columnsLiteral, type HarvestDatabase } from './harvest-database.js';
import { KeptEvents } from './kept-events.js';
import { keptEventsQuery } from './kept-events-sql.js';
import { dedupedEventsQuery, ERASURE_COLUMNS, FEEDBACK_COLUMNS, keptEventIdsQuery, scopedFeedbackQuery, sqlString, type FeedbackScope } from './feedback-sql.js';

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

/** The events that count (as columns, grouped by generation), the counts, and the tenant's erased app users. */
export interface FeedbackRead {
  readonly events: KeptEvents;
  readonly counts: FeedbackCounts;
  readonly erasedUsers: ReadonlySet<string>;
  /**
   * The scope's rows (`scopedFeedbackQuery`) as a parenthesised SQL relation over exactly the files this
   * read listed, for later queries of the same feedback (the writer's `events.parquet`).
   */
  readonly scoped: string;
}

const NDJSON_OPTIONS = "hive_partitioning = true, hive_types_autocast = false, format = 'newline_delimited', ignore_errors = true";
const PARTITIONS = /\/tenant=([^/]*)\/dt=([^/]*)\//;

/**
 * Reads the feedback of a scope with DuckDB from a directory in the store layout (`feedback/tenant=…/dt=…/
 * hour=…/*.ndjson`, `erasures/tenant=…/*.json`): the Hive partitions become columns and the files outside
 * the scope's tenant and `dt` range are not opened, like a partition-projected Athena table. The files are
 * listed once, so every later read (`scoped`, the writer's `events.parquet`) sees the same ones even while
 * new feedback arrives. Consent, erasure and deduplication are the portable queries of `feedback-sql.ts`;
 * the rules' input comes from one pass over the files (`keptEventsQuery`: one scan and one sort, no
 * table of the events), read column by column and deduplicated by `KeptEvents`.
 * DuckDB-only here: the `read_ndjson`/`read_json` sources (with `ignore_errors`, a malformed line is
 * skipped, as Athena's JSON SerDe does with `ignore.malformed.json`), the temp table of erasures, the
 * kept-events query (`kept-events-sql.ts`).
 */
export async function readFeedback(db: HarvestDatabase, root: string, scope: FeedbackScope): Promise<FeedbackRead> {
  const erasureGlob = join(root, 'erasures', 'tenant=*', '*.json');
  if ((await db.globCount(erasureGlob)) > 0) {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE harvest_erasures AS SELECT tenant, app_user FROM read_json(${sqlString(erasureGlob)}, hive_partitioning = true, hive_types_autocast = false, ignore_errors = true, columns = ${columnsLiteral(ERASURE_COLUMNS)})`,
    );
  } else {
    await db.run('CREATE OR REPLACE TEMP TABLE harvest_erasures (tenant VARCHAR, app_user VARCHAR)');
  }
  const files = await feedbackFiles(db, root, scope);
  const source =
    files.length > 0
      ? `read_ndjson([${files.map(sqlString).join(', ')}], ${NDJSON_OPTIONS}, columns = ${columnsLiteral(FEEDBACK_COLUMNS)})`
      : `(SELECT ${[...Object.entries(FEEDBACK_COLUMNS), ['tenant', 'VARCHAR'], ['dt', 'VARCHAR'], ['hour', 'VARCHAR']].map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ')} WHERE false)`;
  const scoped = `(${scopedFeedbackQuery(source, 'harvest_erasures', scope)})`;
  const { events, tallies } = KeptEvents.fromColumns(await db.columns(keptEventsQuery(scoped)));
  const eventIds = tallies.eventIds;
  const erased = await db.rows(`SELECT DISTINCT app_user FROM harvest_erasures WHERE tenant = ${sqlString(scope.tenant)} AND app_user IS NOT NULL`);
  const excluded = (reason: string): number => tallies.excluded.get(reason) ?? 0;
  return {
    events,
    counts: {
      read: tallies.rowsKept + [...tallies.excluded.values()].reduce((sum, n) => sum + n, 0),
      malformed: excluded('malformed'),
      unconsented: excluded('unconsented'),
      erasedUser: excluded('erased_user'),
      duplicateEventId: tallies.rowsKept - eventIds,
      duplicateClientEventId: eventIds - events.size,
      kept: events.size,
    },
    erasedUsers: new Set(erased.map((row) => row.app_user as string)),
    scoped,
  };
}

/** The deduplicated events of a read (`dedupedEventsQuery` over its `scoped` rows) as a parenthesised SQL relation: what `events.parquet` holds. */
export function keptEventsRelation(scoped: string): string {
  return `(${dedupedEventsQuery(scoped, `(${keptEventIdsQuery(scoped)})`)})`;
}

/** The feedback files of the scope's tenant and `dt` range under `root`, sorted. */
async function feedbackFiles(db: HarvestDatabase, root: string, scope: FeedbackScope): Promise<string[]> {
  const pattern = join(root, 'feedback', 'tenant=*', 'dt=*', 'hour=*', '*.ndjson');
  const listed = (await db.columns(`SELECT file FROM glob(${sqlString(pattern)})`)).text('file');
  return listed
    .filter((file): file is string => {
      const [, tenant, dt] = PARTITIONS.exec((file ?? '').slice(root.length)) ?? [];
      return tenant === scope.tenant && dt !== undefined && (scope.from === undefined || dt >= scope.from) && (scope.to === undefined || dt <= scope.to);
    })
    .sort();
}
