import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASET_CARD } from './dataset-card.js';
import { imageUid, ktoRow, preferenceRow, rankingRow } from './dataset-rows.js';
import { keptEventsRelation } from './feedback-reader.js';
import { sqlString } from './feedback-sql.js';
import type { GenerationHarvest } from './generation-harvest.js';
import { columnsLiteral, type HarvestDatabase } from './harvest-database.js';
import type { HarvestGeneration } from './harvest-generation.js';
import { PAIR_SIGNALS, type PairSignal } from './harvest-rules.js';
import type { CollectedImages } from './image-collector.js';
import type { KtoSplit } from './kto-labels.js';
import type { ListwiseRanking } from './listwise-ranking.js';
import { OUTPUT_FILES } from './output-files.js';

/** What the writer is given: the included generations' harvests, and the generations whose events must go. */
export interface DatasetInput {
  readonly harvests: readonly GenerationHarvest[];
  /** Erased or deleted generations: their events are left out of `events.parquet` too. */
  readonly droppedGenerations: readonly string[];
  /** The read's scoped feedback rows (`FeedbackRead.scoped`), whose deduplicated events `events.parquet` holds. */
  readonly scopedFeedback: string;
}

/** Counts of what was written. */
export interface DatasetCounts {
  readonly preferences: number;
  readonly preferencesBySignal: Readonly<Record<PairSignal, number>>;
  readonly aiFeedback: number;
  /** Pairs, labels and ranking entries left out because an image was not in the store. */
  readonly missingImages: number;
  readonly kto: Readonly<Record<KtoSplit, number>>;
  readonly rankings: number;
  readonly images: number;
  readonly events: number;
}

const PARQUET = 'FORMAT parquet, COMPRESSION snappy';
/** Image tables get small row groups: readers (🤗 datasets) stream row group by row group. */
const IMAGE_PARQUET = `${PARQUET}, ROW_GROUP_SIZE 256`;
const NOISE_TYPE = 'STRUCT(seed BIGINT, weight DOUBLE)[]';

const PAIR_COLUMNS: Readonly<Record<string, string>> = {
  row: 'INTEGER',
  caption: 'VARCHAR',
  label_0: 'DOUBLE',
  label_1: 'DOUBLE',
  best_image_uid: 'VARCHAR',
  image_0_uid: 'VARCHAR',
  image_1_uid: 'VARCHAR',
  user_id: 'BIGINT',
  ranking_id: 'BIGINT',
  created_at: 'VARCHAR',
  generation_id: 'VARCHAR',
  candidate_id_0: 'VARCHAR',
  candidate_id_1: 'VARCHAR',
  app_user: 'VARCHAR',
  signal: 'VARCHAR',
  weight: 'DOUBLE',
  ai_feedback: 'BOOLEAN',
  event_ids: 'VARCHAR[]',
  reward_0: 'DOUBLE',
  reward_1: 'DOUBLE',
  noise_0: NOISE_TYPE,
  noise_1: NOISE_TYPE,
  noise_json_0: 'VARCHAR',
  noise_json_1: 'VARCHAR',
  steps_0: 'INTEGER',
  steps_1: 'INTEGER',
  guidance_0: 'DOUBLE',
  guidance_1: 'DOUBLE',
  final_prompt_0: 'VARCHAR',
  final_prompt_1: 'VARCHAR',
};

const KTO_COLUMNS: Readonly<Record<string, string>> = {
  row: 'INTEGER',
  file_name: 'VARCHAR',
  file_path: 'VARCHAR',
  caption: 'VARCHAR',
  label: 'INTEGER',
  split: 'VARCHAR',
  generation_id: 'VARCHAR',
  candidate_id: 'VARCHAR',
  wins: 'INTEGER',
  losses: 'INTEGER',
  final_prompt: 'VARCHAR',
  noise_json: 'VARCHAR',
  steps: 'INTEGER',
  guidance: 'DOUBLE',
};

const RANKING_COLUMNS: Readonly<Record<string, string>> = {
  row: 'INTEGER',
  generation_id: 'VARCHAR',
  ranking_id: 'BIGINT',
  caption: 'VARCHAR',
  final_prompt: 'VARCHAR',
  user_id: 'BIGINT',
  app_user: 'VARCHAR',
  created_at: 'VARCHAR',
  candidate_ids: 'VARCHAR[]',
  image_uids: 'VARCHAR[]',
  rewards: 'DOUBLE[]',
  scores: 'MAP(VARCHAR, DOUBLE)[]',
  noise_json: 'VARCHAR[]',
  steps: 'INTEGER[]',
  guidance: 'DOUBLE[]',
  final_prompts: 'VARCHAR[]',
  phases: 'VARCHAR[]',
};

/**
 * Writes the datasets under `out` from the harvests and the collected images: stages the rows as NDJSON in
 * `stagingDirectory` and lets DuckDB write Parquet and CSV with declared column types. A pair, label or
 * ranking entry whose image was not found is left out (and counted). Every output is ordered, so the same
 * input gives the same bytes.
 */
export async function writeDatasets(db: HarvestDatabase, input: DatasetInput, images: CollectedImages, out: string, stagingDirectory: string): Promise<DatasetCounts> {
  const candidatesOf = new Map(input.harvests.map((harvest) => [harvest.generation.id, new Map(harvest.generation.candidates.map((c) => [c.id, c]))]));
  const has = (generationId: string, candidateId: string): boolean => images.available.has(imageUid(generationId, candidateId));
  let missingImages = 0;

  const pairRows: Record<string, unknown>[] = [];
  const ktoRows: Record<string, unknown>[] = [];
  const rankingRows: Record<string, unknown>[] = [];
  const rankingItems: Record<string, unknown>[] = [];
  const bySignal = Object.fromEntries(PAIR_SIGNALS.map((signal) => [signal, 0])) as Record<PairSignal, number>;
  const kto: Record<KtoSplit, number> = { exclusive_win: 0, exclusive_lose: 0, intersections: 0 };
  let aiFeedback = 0;
  for (const harvest of input.harvests) {
    const generation = harvest.generation;
    const candidates = candidatesOf.get(generation.id)!;
    for (const pair of harvest.pairs) {
      if (!has(generation.id, pair.preferred) || !has(generation.id, pair.rejected)) {
        missingImages += 1;
        continue;
      }
      pairRows.push({ row: pairRows.length, ...preferenceRow(pair, generation, candidates) });
      bySignal[pair.signal] += 1;
      if (pair.aiFeedback) aiFeedback += 1;
    }
    for (const label of harvest.kto) {
      if (!has(generation.id, label.candidateId)) {
        missingImages += 1;
        continue;
      }
      ktoRows.push({ row: ktoRows.length, ...ktoRow(label, generation, candidates.get(label.candidateId)!) });
      kto[label.split] += 1;
    }
    missingImages += harvest.ranking?.candidates.filter((candidate) => !has(generation.id, candidate.id)).length ?? 0;
    const ranking = withImages(harvest.ranking, generation, has);
    if (ranking) {
      const row = rankingRow(ranking, generation);
      rankingRows.push({ row: rankingRows.length, ...row });
      (row.image_uids as string[]).forEach((uid, position) => rankingItems.push({ generation_id: generation.id, position, uid }));
    }
  }

  const staged = (name: string): string => join(stagingDirectory, name);
  await writeNdjson(staged('pairs.ndjson'), pairRows);
  await writeNdjson(staged('kto.ndjson'), ktoRows);
  await writeNdjson(staged('rankings.ndjson'), rankingRows);
  await writeNdjson(staged('ranking-items.ndjson'), rankingItems);
  const read = (name: string, columns: Readonly<Record<string, string>>): string =>
    `read_ndjson(${sqlString(staged(name))}, format = 'newline_delimited', columns = ${columnsLiteral(columns)})`;
  const target = (file: string): string => sqlString(join(out, file));

  await db.run(`
COPY (
  SELECT p.caption, i0.bytes AS jpg_0, i1.bytes AS jpg_1, p.label_0, p.label_1, i0.bytes <> i1.bytes AS are_different, true AS has_label,
         p.best_image_uid, p.image_0_uid, p.image_1_uid, p.user_id, p.ranking_id, CAST(p.created_at AS TIMESTAMP_NS) AS created_at,
         p.generation_id, p.candidate_id_0, p.candidate_id_1, p.app_user, p.signal, p.weight, p.ai_feedback, p.event_ids,
         p.reward_0, p.reward_1, p.noise_0, p.noise_1, p.noise_json_0, p.noise_json_1, p.steps_0, p.steps_1,
         p.guidance_0, p.guidance_1, p.final_prompt_0, p.final_prompt_1
  FROM ${read('pairs.ndjson', PAIR_COLUMNS)} p
  JOIN harvest_images i0 ON i0.uid = p.image_0_uid
  JOIN harvest_images i1 ON i1.uid = p.image_1_uid
  ORDER BY p.row
) TO ${target(OUTPUT_FILES.preferences)} (${IMAGE_PARQUET})`);

  await db.run(`
COPY (
  WITH images AS (
    SELECT r.generation_id, list(i.bytes ORDER BY r.position) AS images
    FROM ${read('ranking-items.ndjson', { generation_id: 'VARCHAR', position: 'INTEGER', uid: 'VARCHAR' })} r
    JOIN harvest_images i ON i.uid = r.uid
    GROUP BY r.generation_id
  )
  SELECT k.generation_id, k.ranking_id, k.caption, k.final_prompt, k.user_id, k.app_user, TRY_CAST(k.created_at AS TIMESTAMP_NS) AS created_at,
         k.candidate_ids, k.image_uids, k.rewards, k.scores, m.images, k.noise_json, k.steps, k.guidance, k.final_prompts, k.phases
  FROM ${read('rankings.ndjson', RANKING_COLUMNS)} k
  JOIN images m ON m.generation_id = k.generation_id
  ORDER BY k.row
) TO ${target(OUTPUT_FILES.rankings)} (${IMAGE_PARQUET})`);

  await db.run(`
COPY (
  SELECT file_name, file_path, caption, label, split, generation_id, candidate_id, wins, losses, final_prompt, noise_json, steps, guidance
  FROM ${read('kto.ndjson', KTO_COLUMNS)} ORDER BY row
) TO ${target(OUTPUT_FILES.ktoMetadata)} (FORMAT csv, HEADER, DELIMITER ',')`);
  // the trainer's `--dataloader pick` reads `<train_data_dir>/<split>_processed_v3.csv`; the same rows serve both loaders
  await copyFile(join(out, OUTPUT_FILES.ktoMetadata), join(out, OUTPUT_FILES.ktoPickSplit));

  const events = await writeEvents(db, input.scopedFeedback, input.droppedGenerations, target(OUTPUT_FILES.events));
  await writeFile(join(out, OUTPUT_FILES.datasetCard), DATASET_CARD);
  return {
    preferences: pairRows.length,
    preferencesBySignal: bySignal,
    aiFeedback,
    missingImages,
    kto,
    rankings: rankingRows.length,
    images: images.ktoFiles.length,
    events,
  };
}

/** The ranking restricted to candidates whose image was found; null when fewer than two remain. */
function withImages(ranking: ListwiseRanking | null, generation: HarvestGeneration, has: (generationId: string, candidateId: string) => boolean): ListwiseRanking | null {
  if (!ranking) return null;
  const candidates = ranking.candidates.filter((candidate) => has(generation.id, candidate.id));
  return candidates.length < 2 ? null : { ...ranking, candidates };
}

/** `events.parquet`: the deduplicated, consented, non-erased events, minus those about dropped generations; returns the count. */
async function writeEvents(db: HarvestDatabase, scopedFeedback: string, droppedGenerations: readonly string[], target: string): Promise<number> {
  await db.run('CREATE OR REPLACE TEMP TABLE harvest_dropped_generations (generation_id VARCHAR)');
  const appender = await db.appender('harvest_dropped_generations');
  for (const id of droppedGenerations) {
    appender.appendVarchar(id);
    appender.endRow();
  }
  appender.closeSync();
  const select = `
SELECT e.event_id, e.tenant, substr(e.received_at, 1, 10) AS dt, substr(e.received_at, 12, 2) AS hour, e.type, e.generation_id,
       e.candidate_id, e.candidate_ids, e.choice, e.rating, e.client_event_id, e.app_user, e.consent, e.occurred_at,
       TRY_CAST(e.received_at AS TIMESTAMP) AS received_at
FROM ${keptEventsRelation(scopedFeedback)} e
WHERE NOT EXISTS (SELECT 1 FROM harvest_dropped_generations d WHERE d.generation_id = e.generation_id)
ORDER BY e.event_id`;
  const [written] = await db.rows(`COPY (${select}) TO ${target} (${PARQUET})`);
  return Number(written?.Count ?? 0);
}

/** Writes rows as NDJSON, streaming (respecting backpressure). */
async function writeNdjson(path: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const stream = createWriteStream(path);
  for (const row of rows) {
    if (!stream.write(`${JSON.stringify(row)}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}
