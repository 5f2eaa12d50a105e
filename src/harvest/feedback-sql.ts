/**
 * The harvest's SQL over the feedback table, written to run on both DuckDB (embedded, here) and Athena
 * (Trino, at scale, over the Glue tables in `infra/`): plain SELECTs with CTEs, `LEFT JOIN`, `GROUP BY`,
 * `CASE`, `COALESCE`, `min()` and string comparison of the `dt` partition — nothing either engine lacks.
 * What is DuckDB-only is kept out of these functions and said where it is used: the table sources
 * (`read_ndjson` / `read_json` here, the Glue tables on Athena) and materialising results in temp
 * tables (on Athena, the same SELECTs inline as CTEs or a CTAS).
 */
import type { FeedbackType } from './harvest-event.js';

/** Every feedback type the API accepts, each one handled by the rules: a type added to the API fails to compile here until the rules decide about it. */
const RULED_TYPES: Readonly<Record<FeedbackType, true>> = { impression: true, select: true, download: true, share: true, upscale: true, regenerate: true, dismiss: true, rate: true, compare: true };

/** Feedback types the rules know; a line with any other type is malformed. */
export const FEEDBACK_TYPE_NAMES = Object.keys(RULED_TYPES) as readonly FeedbackType[];

/**
 * Columns of a stored feedback line (`StoredFeedbackEvent`), as a DuckDB `columns` map. Declared rather than
 * inferred, so every file reads alike and unknown fields are ignored. `tenant` is left out: the Hive
 * partition `tenant=` supplies it (Athena rejects a data column named like a partition column).
 */
export const FEEDBACK_COLUMNS: Readonly<Record<string, string>> = {
  type: 'VARCHAR',
  generation_id: 'VARCHAR',
  candidate_id: 'VARCHAR',
  candidate_ids: 'VARCHAR[]',
  choice: 'VARCHAR',
  rating: 'INTEGER',
  client_event_id: 'VARCHAR',
  app_user: 'VARCHAR',
  consent: 'BOOLEAN',
  occurred_at: 'VARCHAR',
  event_id: 'VARCHAR',
  received_at: 'VARCHAR',
};

/** Columns of an erasure tombstone that the harvest reads. */
export const ERASURE_COLUMNS: Readonly<Record<string, string>> = { app_user: 'VARCHAR', erasure_id: 'VARCHAR', requested_at: 'VARCHAR' };

/** Which feedback a harvest reads: one tenant, an inclusive range of `dt` partitions (UTC receive dates). */
export interface FeedbackScope {
  readonly tenant: string;
  readonly from?: string;
  readonly to?: string;
}

/** Why the scoped query excludes a row (`excluded` column); NULL keeps it. */
export type ExclusionReason = 'malformed' | 'unconsented' | 'erased_user';

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Every feedback row of the scope, with why it is excluded (`excluded`: `malformed`, `unconsented`,
 * `erased_user`, or NULL when it counts). `feedback` and `erasures` are relations with the table columns
 * plus the `tenant` (and `dt`, `hour`) partitions. The `dt` bounds are string comparisons of
 * `yyyy-mm-dd`, which both engines prune partitions with.
 */
export function scopedFeedbackQuery(feedback: string, erasures: string, scope: FeedbackScope): string {
  const bounds = [`f.tenant = ${sqlString(scope.tenant)}`];
  if (scope.from !== undefined) bounds.push(`f.dt >= ${sqlString(scope.from)}`);
  if (scope.to !== undefined) bounds.push(`f.dt <= ${sqlString(scope.to)}`);
  const types = FEEDBACK_TYPE_NAMES.map(sqlString).join(', ');
  return `
SELECT f.event_id, f.tenant, f.dt, f.hour, f.type, f.generation_id, f.candidate_id, f.candidate_ids, f.choice, f.rating,
       f.client_event_id, f.app_user, f.consent, f.occurred_at, f.received_at,
       CASE
         WHEN f.event_id IS NULL OR f.generation_id IS NULL OR f.received_at IS NULL OR f.type IS NULL OR f.type NOT IN (${types}) THEN 'malformed'
         WHEN COALESCE(f.consent, false) = false THEN 'unconsented'
         WHEN e.app_user IS NOT NULL THEN 'erased_user'
       END AS excluded
FROM ${feedback} f
LEFT JOIN (SELECT DISTINCT app_user FROM ${erasures} WHERE tenant = ${sqlString(scope.tenant)} AND app_user IS NOT NULL) e ON e.app_user = f.app_user
WHERE ${bounds.join(' AND ')}`;
}

/**
 * The event ids that survive deduplication, from the scoped rows: per tenant + generation and client event
 * id (or, without one, the event id) the first received copy, i.e. the smallest `event_id` — event ids are
 * UUIDv7 stamped with `received_at`, so their order is receipt order and unique where timestamps tie.
 * Exact copies of one event (same `event_id`) collapse into one id here too. A GROUP BY rather than
 * `row_number()` windows: same answer on both engines, and several times cheaper on DuckDB.
 */
export function keptEventIdsQuery(scoped: string): string {
  return `
SELECT min(s.event_id) AS event_id
FROM ${scoped} s
WHERE s.excluded IS NULL
GROUP BY s.tenant, s.generation_id, COALESCE(s.client_event_id, s.event_id)`;
}

/**
 * The deduplicated events themselves: exactly one row per kept event id. Copies of one stored line are
 * identical, so `min()` of each column is that line (a replayed copy may sit in another partition, hence
 * no `dt`/`hour`; both derive from `received_at`).
 */
export function dedupedEventsQuery(scoped: string, kept: string): string {
  const columns = ['tenant', 'type', 'generation_id', 'candidate_id', 'candidate_ids', 'choice', 'rating', 'client_event_id', 'app_user', 'consent', 'occurred_at', 'received_at'];
  return `
SELECT s.event_id, ${columns.map((column) => `min(s.${column}) AS ${column}`).join(', ')}
FROM ${scoped} s
JOIN ${kept} k ON k.event_id = s.event_id
GROUP BY s.event_id`;
}
