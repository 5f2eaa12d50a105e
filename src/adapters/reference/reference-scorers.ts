import type { ScorerV1 } from '../../ports/scorer.js';
import { ReferenceAestheticScorer } from './reference-aesthetic-scorer.js';
import { ReferenceCompressibilityScorer } from './reference-compressibility-scorer.js';
import { ReferenceGenevalScorer } from './reference-geneval-scorer.js';
import type { ReferenceScorerConfig } from './image-scorer-base.js';

/** The reference world's scorers: geneval, aesthetic, compressibility, incompressibility. */
export function createReferenceScorers(config: ReferenceScorerConfig = {}): ScorerV1[] {
  return [
    new ReferenceGenevalScorer(config),
    new ReferenceAestheticScorer(config),
    new ReferenceCompressibilityScorer('compressibility', config),
    new ReferenceCompressibilityScorer('incompressibility', config),
  ];
}

/**
 * Mean and standard deviation of each reference scorer, for z-score aggregation. Measured by
 * `measureScorerCalibration` (scene/scorer-calibration.ts) on 139 512x512 renders of the generated
 * GenEval suite (seed 0, every 4th spec; every other scene a typical failure of its spec; neutral,
 * Promptist-boosted and hazy styles in turn); the test re-measures a sample and checks they hold.
 */
export const REFERENCE_SCORER_CALIBRATION: Record<string, { mean: number; std: number }> = {
  geneval: { mean: 0.731, std: 0.306 },
  aesthetic: { mean: 6.282, std: 1.199 },
  compressibility: { mean: -0.19, std: 0.066 },
  incompressibility: { mean: 0.19, std: 0.066 },
};
