import { describe, expect, it } from 'vitest';
import { compositeImage, createDecoderBasis, readLatent } from '../../../src/reference-world/sampler/latent-decoder.js';
import { standardNormalTensor } from '../../../src/reference-world/sampler/normal-rng.js';
import { createPrototypeBank } from '../../../src/reference-world/sampler/prototype-bank.js';

const SIZE = 8;
const DIMENSION = 3 * SIZE * SIZE;

/** Two prototypes that differ in the left and the right half. */
function halvesBank(): ReturnType<typeof createPrototypeBank> {
  const left = new Float64Array(DIMENSION);
  const right = new Float64Array(DIMENSION);
  for (let index = 0; index < DIMENSION; index += 1) {
    const x = index % SIZE;
    left[index] = x < SIZE / 2 ? 0.8 : -0.5;
    right[index] = x < SIZE / 2 ? -0.5 : 0.8;
  }
  return createPrototypeBank([left, right]);
}

describe('readLatent', () => {
  it('reads a prototype plus small noise as that prototype alone', () => {
    // Prepare
    const bank = halvesBank();
    const noise = standardNormalTensor(4, DIMENSION);
    const x0 = Float64Array.from(bank.means.subarray(0, DIMENSION), (value, index) => value + 0.05 * noise[index]);

    // Act
    const { weights, residual } = readLatent(createDecoderBasis(bank), x0);

    // Assess
    expect(weights[0]).toBeGreaterThan(0.97);
    expect(Math.max(...Array.from(residual, Math.abs))).toBeLessThan(0.25);
  });

  it('reads a blend as a blend', () => {
    // Prepare
    const bank = halvesBank();
    const x0 = Float64Array.from({ length: DIMENSION }, (_, index) => 0.3 * bank.means[index] + 0.7 * bank.means[DIMENSION + index]);

    // Act
    const { weights } = readLatent(createDecoderBasis(bank), x0);

    // Assess
    expect(weights[0]).toBeCloseTo(0.3, 3);
    expect(weights[1]).toBeCloseTo(0.7, 3);
  });
});

describe('compositeImage', () => {
  it('blends renders by weight and adds the upsampled residual', () => {
    // Prepare
    const width = 4;
    const height = 2;
    const white = new Uint8Array(3 * width * height).fill(255);
    const black = new Uint8Array(3 * width * height).fill(0);
    const residual = new Float64Array(3 * 2 * 2).fill(0.2);

    // Act
    const pixels = compositeImage({
      renders: [
        { weight: 0.75, rgb: white },
        { weight: 0.25, rgb: black },
      ],
      residual,
      latentSize: 2,
      width,
      height,
      residualGain: 1,
    });

    // Assess: 0.75·255 + 0.25·0 + 0.2·127.5 = 216.75 → 217
    expect(pixels).toHaveLength(width * height * 3);
    expect(new Set(pixels)).toEqual(new Set([217]));
  });
});
