import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../../src/ports/errors.js';
import type { LatentMixture } from '../../../src/reference-world/sampler/analytic-denoiser.js';
import { sampleDdim } from '../../../src/reference-world/sampler/ddim-sampler.js';
import { createDecoderBasis, readLatent } from '../../../src/reference-world/sampler/latent-decoder.js';
import { standardNormalTensor } from '../../../src/reference-world/sampler/normal-rng.js';
import { createPrototypeBank, type PrototypeBank } from '../../../src/reference-world/sampler/prototype-bank.js';

const SIZE = 16;
const DIMENSION = 3 * SIZE * SIZE;

/** Image-like prototypes: a shared background with one coloured square each. */
function squaresBank(count: number): PrototypeBank {
  const prototypes: Float64Array[] = [];
  for (let k = 0; k < count; k += 1) {
    const prototype = new Float64Array(DIMENSION).fill(-0.2);
    const left = (k * 5) % (SIZE - 5);
    const top = (k * 7) % (SIZE - 5);
    for (let channel = 0; channel < 3; channel += 1) {
      for (let y = top; y < top + 5; y += 1) for (let x = left; x < left + 5; x += 1) prototype[channel * SIZE * SIZE + y * SIZE + x] = ((k + channel) % 3) - 1;
    }
    prototypes.push(prototype);
  }
  return createPrototypeBank(prototypes);
}

/** A mixture over the bank with the given weights. */
function mixture(bank: PrototypeBank, weights: readonly number[]): LatentMixture {
  return { bank, logWeights: Float64Array.from(weights, (weight) => Math.log(weight)), variance: 0.05 ** 2 };
}

/** Distance of a latent to one bank row, per coordinate (RMS). */
function rmsDistance(bank: PrototypeBank, row: number, x: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < bank.dimension; index += 1) sum += (x[index] - bank.means[row * bank.dimension + index]) ** 2;
  return Math.sqrt(sum / bank.dimension);
}

describe('sampleDdim', () => {
  it('converges to the prototype when the mixture has one component', () => {
    // Prepare
    const bank = squaresBank(1);
    const single = mixture(bank, [1]);

    // Act
    const result = sampleDdim({ conditional: single, guidance: 1, steps: 20, noise: standardNormalTensor(5, DIMENSION) });

    // Assess: the sample is the prototype plus the component's own spread (s = 0.05)
    expect(rmsDistance(bank, 0, result.sample)).toBeLessThan(0.08);
    expect(result.nfe).toBe(20);
  });

  it('lands on each prototype about as often as its weight (probability-flow ODE)', () => {
    // Prepare
    const bank = squaresBank(3);
    const prior = mixture(bank, [0.6, 0.3, 0.1]);
    const basis = createDecoderBasis(bank);
    const hits = [0, 0, 0];

    // Act
    for (let seed = 0; seed < 300; seed += 1) {
      const { sample } = sampleDdim({ conditional: prior, guidance: 1, steps: 20, noise: standardNormalTensor(seed, DIMENSION) });
      const weights = readLatent(basis, sample).weights;
      hits[weights.indexOf(Math.max(...weights))] += 1;
    }

    // Assess (binomial standard error ≈ 0.03)
    expect(hits[0] / 300).toBeGreaterThan(0.5);
    expect(hits[0] / 300).toBeLessThan(0.7);
    expect(hits[2] / 300).toBeLessThan(0.18);
  });

  it('changes the sample with guidance and doubles the NFE', () => {
    // Prepare
    const bank = squaresBank(4);
    const basis = createDecoderBasis(bank);
    const conditional = mixture(bank, [0.4, 0.2, 0.2, 0.2]);
    const unconditional = mixture(bank, [0.25, 0.25, 0.25, 0.25]);
    let changedScene = 0;
    let identical = 0;
    let plainNfe = 0;
    let guidedNfe = 0;

    // Act
    for (let seed = 0; seed < 40; seed += 1) {
      const noise = standardNormalTensor(seed, DIMENSION);
      const plain = sampleDdim({ conditional, unconditional, guidance: 1, steps: 10, noise });
      const guided = sampleDdim({ conditional, unconditional, guidance: 5, steps: 10, noise });
      const top = (sample: Float64Array): number => {
        const weights = readLatent(basis, sample).weights;
        return weights.indexOf(Math.max(...weights));
      };
      if (top(plain.sample) !== top(guided.sample)) changedScene += 1;
      if (plain.sample.every((value, index) => value === guided.sample[index])) identical += 1;
      plainNfe = plain.nfe;
      guidedNfe = guided.nfe;
    }

    // Assess
    expect(changedScene).toBeGreaterThan(2);
    expect(identical).toBe(0);
    expect(plainNfe).toBe(10);
    expect(guidedNfe).toBe(20);
  });

  it('makes the conditional favourite more likely as guidance grows', () => {
    // Prepare
    const bank = squaresBank(4);
    const conditional = mixture(bank, [0.4, 0.2, 0.2, 0.2]);
    const unconditional = mixture(bank, [0.25, 0.25, 0.25, 0.25]);
    const basis = createDecoderBasis(bank);
    const favouriteRate = (guidance: number): number => {
      let hits = 0;
      for (let seed = 0; seed < 200; seed += 1) {
        const { sample } = sampleDdim({ conditional, unconditional, guidance, steps: 10, noise: standardNormalTensor(seed, DIMENSION) });
        const weights = readLatent(basis, sample).weights;
        if (weights.indexOf(Math.max(...weights)) === 0) hits += 1;
      }
      return hits / 200;
    };

    // Act
    const unguided = favouriteRate(1);
    const guided = favouriteRate(5);

    // Assess
    expect(guided).toBeGreaterThan(unguided + 0.15);
  });

  it('gives sharper (less blended) samples with more steps', () => {
    // Prepare
    const bank = squaresBank(6);
    const prior = mixture(bank, [1, 1, 1, 1, 1, 1]);
    const basis = createDecoderBasis(bank);
    const meanTopWeight = (steps: number): number => {
      let sum = 0;
      for (let seed = 0; seed < 40; seed += 1) {
        const { sample } = sampleDdim({ conditional: prior, guidance: 1, steps, noise: standardNormalTensor(seed, DIMENSION) });
        sum += Math.max(...readLatent(basis, sample).weights);
      }
      return sum / 40;
    };

    // Act
    const oneStep = meanTopWeight(1);
    const twoSteps = meanTopWeight(2);
    const twentySteps = meanTopWeight(20);

    // Assess
    expect(oneStep).toBeLessThan(0.5);
    expect(twoSteps).toBeGreaterThan(oneStep);
    expect(twentySteps).toBeGreaterThan(0.95);
  });

  it('throws AbortedError when the signal has fired', () => {
    // Prepare
    const bank = squaresBank(2);
    const controller = new AbortController();
    controller.abort();

    // Act
    const run = (): unknown => sampleDdim({ conditional: mixture(bank, [0.5, 0.5]), guidance: 1, steps: 5, noise: standardNormalTensor(1, DIMENSION), abortSignal: controller.signal });

    // Assess
    expect(run).toThrow(AbortedError);
  });

  it('is deterministic for the same noise', () => {
    // Prepare
    const bank = squaresBank(3);
    const options = { conditional: mixture(bank, [0.5, 0.3, 0.2]), unconditional: mixture(bank, [0.4, 0.3, 0.3]), guidance: 4, steps: 8 };

    // Act
    const first = sampleDdim({ ...options, noise: standardNormalTensor(3, DIMENSION) });
    const second = sampleDdim({ ...options, noise: standardNormalTensor(3, DIMENSION) });

    // Assess
    expect(Array.from(second.sample)).toEqual(Array.from(first.sample));
  });
});
