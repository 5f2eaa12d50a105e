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

export { REFERENCE_SCORER_CALIBRATION } from './reference-scorer-calibration.js';
