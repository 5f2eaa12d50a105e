import { keptEventsRelation, type FeedbackRead } from '../../src/harvest/feedback-reader.js';
import { keptEventIdsQuery } from '../../src/harvest/feedback-sql.js';
import type { HarvestDatabase } from '../../src/harvest/harvest-database.js';
import type { FeedbackType, HarvestEvent } from '../../src/harvest/harvest-event.js';

/**
 * The kept events of a read as the portable queries of `feedback-sql.ts` define them (what `events.parquet`
 * holds), as the reference rules (`harvestGeneration`) take them: the slow, plain path the harvest's
 * evidence query is checked against.
 */
export async function referenceEvents(db: HarvestDatabase, read: FeedbackRead): Promise<HarvestEvent[]> {
  const rows = await db.rows(`
SELECT event_id, type, generation_id, candidate_id, candidate_ids[1] AS first, candidate_ids[2] AS second, choice, rating, app_user,
       COALESCE(CAST(epoch_ms(TRY_CAST(received_at AS TIMESTAMP)) AS DOUBLE), 0) AS received_ms
FROM ${keptEventsRelation(read.scoped)} e ORDER BY event_id`);
  return rows.map((row) => {
    const first = row.first as string | null;
    const second = row.second as string | null;
    return {
      eventId: row.event_id as string,
      type: row.type as FeedbackType,
      generationId: row.generation_id as string,
      candidateId: row.candidate_id as string | null,
      candidateIds: first !== null && second !== null ? [first, second] : null,
      choice: row.choice as string | null,
      rating: row.rating as number | null,
      appUser: row.app_user as string | null,
      receivedAt: row.received_ms as number,
    };
  });
}

/** The counts of a read as the portable queries give them (what `readFeedback`'s counts must equal). */
export async function referenceCounts(db: HarvestDatabase, read: FeedbackRead): Promise<Record<string, number>> {
  const [row] = await db.rows(`
SELECT count(*) AS read,
       count(*) FILTER (WHERE excluded = 'malformed') AS malformed,
       count(*) FILTER (WHERE excluded = 'unconsented') AS unconsented,
       count(*) FILTER (WHERE excluded = 'erased_user') AS erased_user,
       count(*) FILTER (WHERE excluded IS NULL) AS rows_kept,
       count(DISTINCT event_id) FILTER (WHERE excluded IS NULL) AS event_ids,
       (SELECT count(*) FROM (${keptEventIdsQuery(read.scoped)})) AS kept
FROM ${read.scoped} s`);
  const n = (name: string): number => Number(row?.[name] ?? 0);
  return {
    read: n('read'),
    malformed: n('malformed'),
    unconsented: n('unconsented'),
    erasedUser: n('erased_user'),
    duplicateEventId: n('rows_kept') - n('event_ids'),
    duplicateClientEventId: n('event_ids') - n('kept'),
    kept: n('kept'),
  };
}
