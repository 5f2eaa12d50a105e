import { describe, expect, it } from 'vitest';
import { denoiseMixture, type LatentMixture } from '../../../src/reference-world/sampler/analytic-denoiser.js';
import { standardNormalTensor } from '../../../src/reference-world/sampler/normal-rng.js';
import { createPrototypeBank } from '../../../src/reference-world/sampler/prototype-bank.js';

/** A two-component mixture in 4 dimensions. */
function twoComponentMixture(weights: [number, number], variance: number): LatentMixture {
  const bank = createPrototypeBank([
    [1, 0, 0, 0],
    [0, 1, 0, -1],
  ]);
  return { bank, logWeights: Float64Array.from(weights.map(Math.log)), variance };
}

describe('denoiseMixture', () => {
  it('matches a brute-force posterior computed from the Gaussian densities', () => {
    // Prepare
    const mixture = twoComponentMixture([0.3, 0.7], 0.04);
    const xt = [0.4, 0.2, -0.1, 0.3];
    const alphaBar = 0.6;
    const a = Math.sqrt(alphaBar);
    const v = alphaBar * 0.04 + 1 - alphaBar;
    const means = [
      [1, 0, 0, 0],
      [0, 1, 0, -1],
    ];
    const likelihood = means.map((mean) => Math.exp(-mean.reduce((sum, value, index) => sum + (xt[index] - a * value) ** 2, 0) / (2 * v)));
    const joint = [0.3 * likelihood[0], 0.7 * likelihood[1]];
    const expected = joint.map((value) => value / (joint[0] + joint[1]));
    const gain = (a * 0.04) / v;
    const expectedMean = xt.map((value, index) => expected.reduce((sum, r, k) => sum + r * (means[k][index] + gain * (value - a * means[k][index])), 0));

    // Act
    const posterior = denoiseMixture(mixture, xt, alphaBar);

    // Assess
    expect(posterior.responsibilities[0]).toBeCloseTo(expected[0], 12);
    expect(posterior.responsibilities[1]).toBeCloseTo(expected[1], 12);
    Array.from(posterior.x0).forEach((value, index) => expect(value).toBeCloseTo(expectedMean[index], 12));
  });

  it('returns the prior-weighted mean of the prototypes at pure noise (ᾱ → 0)', () => {
    // Prepare
    const mixture = twoComponentMixture([0.25, 0.75], 0.01);

    // Act
    const posterior = denoiseMixture(mixture, [3, -2, 1, 0.5], 1e-16);

    // Assess
    expect(posterior.responsibilities[0]).toBeCloseTo(0.25, 6);
    expect(Array.from(posterior.x0).map((value) => Number(value.toFixed(6)))).toEqual([0.25, 0.75, 0, -0.75]);
  });

  it('keeps responsibilities a probability vector for any noisy latent (property)', () => {
    // Prepare
    const mixture = twoComponentMixture([0.5, 0.5], 0.01);

    for (let seed = 0; seed < 50; seed += 1) {
      // Act
      const xt = Array.from(standardNormalTensor(seed, 4), (value) => value * 30);
      const { responsibilities } = denoiseMixture(mixture, xt, ((seed % 9) + 1) / 10);

      // Assess
      const sum = responsibilities[0] + responsibilities[1];
      expect(sum).toBeCloseTo(1, 12);
      expect(Math.min(...responsibilities)).toBeGreaterThanOrEqual(0);
    }
  });

  it('ignores components with weight zero', () => {
    // Prepare
    const mixture = twoComponentMixture([1, 0], 0.01);

    // Act
    const posterior = denoiseMixture(mixture, [0, 1, 0, -1], 0.99);

    // Assess
    expect(posterior.responsibilities[1]).toBe(0);
  });
});
