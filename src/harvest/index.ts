export { byReceipt, candidateTiers, tiersOfRows, type CandidateTiers, type EventRef, type EventView, type TierEvidence } from './candidate-tiers.js';
export { imageUid, ktoRow, noiseJson, preferenceRow, rankingRow } from './dataset-rows.js';
export { DATASET_CARD } from './dataset-card.js';
export { writeDatasets, type DatasetCounts, type DatasetInput } from './dataset-writer.js';
export { localRootOf, locateFeedbackFiles, type FeedbackFiles } from './feedback-location.js';
export { keptEventsRelation, readFeedback, type FeedbackCounts, type FeedbackRead } from './feedback-reader.js';
export { dedupedEventsQuery, keptEventIdsQuery, scopedFeedbackQuery, type FeedbackScope } from './feedback-sql.js';
export { assembleHarvest, harvestGeneration, harvestKept, type GenerationHarvest } from './generation-harvest.js';
export { loadGenerations, type LoadedGenerations } from './generation-loader.js';
export { harvest, HARVEST_PHASES, type HarvestOptions, type HarvestPhase, type HarvestProgress, type HarvestResult } from './harvest.js';
export { HarvestDatabase, ResultColumns } from './harvest-database.js';
export { HarvestOptionsError, HarvestOutputError } from './harvest-errors.js';
export type { FeedbackType, HarvestEvent } from './harvest-event.js';
export { toHarvestGeneration, type HarvestCandidate, type HarvestGeneration } from './harvest-generation.js';
export { diffalignVersion, harvestWarnings, type HarvestCounts, type HarvestManifest, type OutputFileDigest } from './harvest-manifest.js';
export {
  DEFAULT_THRESHOLDS,
  HARVEST_RULES,
  PAIR_SIGNALS,
  SIGNAL_WEIGHTS,
  TIER_VALUE,
  type CandidateTier,
  type HarvestThresholds,
  type PairSignal,
} from './harvest-rules.js';
export { KeptEvents, type CompareEvent, type KeptTallies, type UserEvents } from './kept-events.js';
export { keptEventsQuery } from './kept-events-sql.js';
export { collectImages, type CollectedImages, type ImageProgress } from './image-collector.js';
export { ktoLabels, type KtoLabel, type KtoSplit } from './kto-labels.js';
export { listwiseRanking, type ListwiseRanking } from './listwise-ranking.js';
export { OUTPUT_FILES } from './output-files.js';
export { aiRewardPairs, humanPairs, judgePairs, pairKey, type HumanPairs, type PreferencePair } from './preference-pairs.js';
export { rankingNumericId, stableNumericId, userNumericId } from './stable-id.js';
