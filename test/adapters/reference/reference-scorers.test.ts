import { describe, expect, it } from 'vitest';
import { REFERENCE_SCORER_CALIBRATION, createReferenceScorers } from '../../../src/adapters/reference/reference-scorers.js';
import { measureScorerCalibration } from '../../../src/reference-world/truth/scorer-calibration.js';

describe('createReferenceScorers', () => {
  it('creates the four reference scorers, each with a calibration', () => {
    // Act
    const scorers = createReferenceScorers();

    // Assess
    expect(scorers.map((scorer) => scorer.modelId)).toEqual(['geneval', 'aesthetic', 'compressibility', 'incompressibility']);
    for (const scorer of scorers) {
      expect(scorer.provider).toBe('reference');
      expect(REFERENCE_SCORER_CALIBRATION[scorer.modelId]?.std).toBeGreaterThan(0);
    }
  });
});

describe('REFERENCE_SCORER_CALIBRATION', () => {
  it('matches a fresh measurement on a sample of the calibration scenes', async () => {
    // Act: every 28th spec instead of every 4th
    const measured = await measureScorerCalibration(createReferenceScorers(), { stride: 28 });

    // Assess: means within 0.6 std of the stored ones, spreads within a factor of two
    for (const [modelId, stored] of Object.entries(REFERENCE_SCORER_CALIBRATION)) {
      const sample = measured[modelId];
      expect(sample, modelId).toBeDefined();
      expect(Math.abs((sample?.mean ?? Infinity) - stored.mean), modelId).toBeLessThan(0.6 * stored.std);
      expect(sample?.std ?? 0, modelId).toBeGreaterThan(stored.std / 2);
      expect(sample?.std ?? Infinity, modelId).toBeLessThan(stored.std * 2);
    }
  });
});
