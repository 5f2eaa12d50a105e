export { candidateTiers, type CandidateTiers, type TierEvidence } from './candidate-tiers.js';
export { imageUid, ktoRow, noiseJson, preferenceRow, rankingRow } from './dataset-rows.js';
export { collectImages, OUTPUT_FILES, writeDatasets, type CollectedImages, type DatasetCounts, type DatasetInput } from './dataset-writer.js';
export { localRootOf, locateFeedbackFiles, type FeedbackFiles } from './feedback-location.js';
export { readFeedback, type FeedbackCounts, type FeedbackRead } from './feedback-reader.js';
export { dedupedEventsQuery, keptEventIdsQuery, scopedFeedbackQuery, type FeedbackScope } from './feedback-sql.js';
export { harvestGeneration, type GenerationHarvest } from './generation-harvest.js';
export { loadGenerations, type LoadedGenerations } from './generation-loader.js';
export { harvest, HARVEST_PHASES, type HarvestOptions, type HarvestPhase, type HarvestProgress, type HarvestResult } from './harvest.js';
export { HarvestDatabase } from './harvest-database.js';
export { HarvestOptionsError, HarvestOutputError } from './harvest-errors.js';
export type { FeedbackType, HarvestEvent } from './harvest-event.js';
export { toHarvestGeneration, type HarvestCandidate, type HarvestGeneration } from './harvest-generation.js';
export { diffalignVersion, type HarvestCounts, type HarvestManifest, type OutputFileDigest } from './harvest-manifest.js';
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
export { ktoLabels, type KtoLabel, type KtoSplit } from './kto-labels.js';
export { listwiseRanking, type ListwiseRanking } from './listwise-ranking.js';
export { aiRewardPairs, humanPairs, pairKey, type HumanPairs, type PreferencePair } from './preference-pairs.js';
export { rankingNumericId, stableNumericId, userNumericId } from './stable-id.js';
