/**
 * The harvest's fast path in SQL: the scoped feedback rows (`scopedFeedbackQuery`) with exactly the fields
 * the rules read, in one statement — one scan of the files and one sort, no aggregation, no window and no
 * table in between — sorted so that JS meets each generation's rows user by user in receipt order
 * (`kept-events.ts`).
 * Deduplication (that of `keptEventIdsQuery`: per tenant + generation + client event id, or event id, the
 * copy with the smallest event id) is left to `KeptEvents`, which finds the copies of one event among a
 * generation's rows by a hash of their deduplication key and confirms them on the key itself: a hash
 * aggregation of every row with the fields of its kept copy cost more here (DuckDB's `HASH_GROUP_BY`
 * was half the statement's time on the benchmark's 100,000 events) than the JS pass over a generation's
 * few rows. Likewise the generation and user runs are found by hash and confirmed on the strings at both
 * ends of each run (a `lag()` window to mark them carried every column through a second sort). The scope
 * holds one tenant, so the tenant is no part of the key here.
 *
 * DuckDB SQL: `hash()`, `epoch_ms(TRY_CAST(… AS TIMESTAMP))`, list subscripts. On Athena the same shape
 * is `from_big_endian_64(xxhash64(to_utf8(…)))`, `to_unixtime(from_iso8601_timestamp(…)) * 1000` and
 * `element_at`; the portable queries of `feedback-sql.ts` stay the definition of what is kept (they write
 * `events.parquet`), and a property test holds the two equal.
 */
import { FEEDBACK_TYPE_NAMES } from './feedback-sql.js';

/** Receipt time of a stored line in ms since the epoch; 0 when it does not parse (as the reference reader). */
const RECEIVED_MS = 'COALESCE(epoch_ms(TRY_CAST(s.received_at AS TIMESTAMP)), 0)';

/** A 53-bit hash of a VARCHAR as an exact DOUBLE (what JS compares; equal hashes are confirmed on the strings). */
const hash53 = (expression: string): string => `CAST(hash(${expression}) >> 11 AS DOUBLE)`;

/** The text of an id where it is not the canonical text of its UUID (`uuid`, the id cast to UUID), else NULL. */
const unlessCanonical = (id: string, uuid: string): string => `CASE WHEN ${uuid} IS NULL OR CAST(${uuid} AS VARCHAR) <> ${id} THEN ${id} END`;

/**
 * The kept-events query over `scoped` (a relation with the columns and `excluded` of
 * `scopedFeedbackQuery`). One row per stored row of the scope:
 * - excluded rows first, with their reason `x` (and nothing else that is read);
 * - then the others, ordered by generation, app user, receipt time and event id: generation (`gu`, the
 *   id as a UUID, and `g`, its text where that is not the UUID's canonical text) and app user `u` ('' for
 *   none: the rules treat both alike) and their hashes `gh`/`uh`, event id (`eu` and `e` alike) and its
 *   hash `eh`, deduplication key `key` (client event id, else event id) and its hash `kh`, type `t`
 *   (index in `FEEDBACK_TYPE_NAMES`), candidate `s`, compare candidates `a`/`b` and choice `ch`, rating
 *   `rt`, receipt ms `r`. Each generation id is one run (ids that are no UUID sort before the others);
 *   within a user's run the order by receipt is by the UUID then the text, which `KeptEvents` checks
 *   against its own order and corrects where they differ.
 * Numbers are DOUBLE, ids UUID, text VARCHAR (see `ResultColumns`).
 */
export function keptEventsQuery(scoped: string): string {
  const typeIndex = `CASE s.type ${FEEDBACK_TYPE_NAMES.map((name, index) => `WHEN '${name}' THEN ${index}`).join(' ')} END`;
  const kept = (expression: string): string => `CASE WHEN s.excluded IS NULL THEN ${expression} END`;
  return `
WITH rows AS (
  SELECT s.excluded,
         ${kept('s.generation_id')} AS generation_id,
         ${kept("COALESCE(s.app_user, '')")} AS app_user,
         ${kept('s.event_id')} AS event_id,
         ${kept('TRY_CAST(s.generation_id AS UUID)')} AS generation_uuid,
         ${kept('TRY_CAST(s.event_id AS UUID)')} AS event_uuid,
         ${kept('COALESCE(s.client_event_id, s.event_id)')} AS dedupe_key,
         ${kept(typeIndex)} AS type,
         ${kept('s.candidate_id')} AS candidate_id,
         ${kept('s.candidate_ids[1]')} AS first,
         ${kept('s.candidate_ids[2]')} AS second,
         ${kept('s.choice')} AS choice,
         ${kept('s.rating')} AS rating,
         ${kept(RECEIVED_MS)} AS ms
  FROM ${scoped} s
)
SELECT excluded AS x,
       -- generation and user as hashes on every row (numbers cross to JS cheaply), the strings read only where the hashes change
       ${hash53('generation_id')} AS gh,
       ${hash53('app_user')} AS uh,
       -- ids that are canonical UUIDs cross as UUIDs (16 fixed bytes); the text only where it is not that UUID's text
       generation_uuid AS gu,
       ${unlessCanonical('generation_id', 'generation_uuid')} AS g,
       app_user AS u,
       event_uuid AS eu,
       ${unlessCanonical('event_id', 'event_uuid')} AS e,
       ${hash53('event_id')} AS eh,
       dedupe_key AS key,
       ${hash53('dedupe_key')} AS kh,
       CAST(type AS DOUBLE) AS t,
       candidate_id AS s,
       first AS a,
       second AS b,
       choice AS ch,
       CAST(rating AS DOUBLE) AS rt,
       CAST(ms AS DOUBLE) AS r
FROM rows
ORDER BY gu NULLS FIRST, g NULLS FIRST, app_user, ms, eu, e`;
}
