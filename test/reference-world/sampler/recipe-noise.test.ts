import { describe, expect, it } from 'vitest';
import { standardNormalTensor } from '../../../src/reference-world/sampler/normal-rng.js';
import { noiseFromRecipe } from '../../../src/reference-world/sampler/recipe-noise.js';

describe('noiseFromRecipe', () => {
  it('is ε(seed) for a single-term recipe, whatever its weight', () => {
    // Act
    const { noise, degenerate } = noiseFromRecipe({ terms: [{ seed: 17, weight: 3 }] }, 64);

    // Assess
    expect(degenerate).toBe(false);
    expect(Array.from(noise)).toEqual(Array.from(standardNormalTensor(17, 64)));
  });

  it('computes Σ wᵢ·ε(seedᵢ) / √(Σ wᵢ²)', () => {
    // Prepare
    const a = standardNormalTensor(1, 8);
    const b = standardNormalTensor(2, 8);

    // Act
    const { noise } = noiseFromRecipe({ terms: [{ seed: 1, weight: 0.6 }, { seed: 2, weight: 0.8 }] }, 8);

    // Assess
    Array.from(noise).forEach((value, index) => expect(value).toBeCloseTo(0.6 * a[index] + 0.8 * b[index], 12));
  });

  it('keeps unit variance for a neighbour at any angle (property)', () => {
    for (const degrees of [5, 30, 60, 90]) {
      // Prepare
      const theta = (degrees * Math.PI) / 180;

      // Act
      const { noise } = noiseFromRecipe({ terms: [{ seed: 100, weight: Math.cos(theta) }, { seed: 200 + degrees, weight: Math.sin(theta) }] }, 20_000);
      const variance = noise.reduce((sum, value) => sum + value * value, 0) / noise.length;

      // Assess
      expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    }
  });

  it('falls back to ε(first seed) when every weight is zero', () => {
    // Act
    const { noise, degenerate } = noiseFromRecipe({ terms: [{ seed: 5, weight: 0 }, { seed: 6, weight: 0 }] }, 16);

    // Assess
    expect(degenerate).toBe(true);
    expect(Array.from(noise)).toEqual(Array.from(standardNormalTensor(5, 16)));
  });
});
