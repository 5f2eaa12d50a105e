import { AbortedError } from '../../ports/errors.js';
import { samplerStepSeed } from '../../ports/sampler.js';
import { denoiseMixture, type LatentMixture } from './analytic-denoiser.js';
import { scaledLinearAlphaBars, trailingTimesteps } from './noise-schedule.js';
import { standardNormalTensor } from './normal-rng.js';
import { bankDotProducts } from './prototype-bank.js';

/** Inputs of one segment [from, to) of a DDIM(η) schedule over analytic mixture denoisers. */
export interface SegmentOptions {
  readonly conditional: LatentMixture;
  readonly unconditional?: LatentMixture;
  readonly guidance: number;
  /** The schedule's length. */
  readonly steps: number;
  readonly from: number;
  readonly to: number;
  /** The latent at position `from` (x_T when from = 0). */
  readonly start: ArrayLike<number>;
  /** DDIM's η (0: deterministic, 1: DDPM's variance) and the seed of the injected noise. */
  readonly eta?: number;
  readonly seed?: number;
  readonly abortSignal?: AbortSignal;
}

/** What a segment produced. */
export interface SegmentResult {
  /** The latent at position `to` (x₀ when to = steps). */
  readonly latent: Float64Array;
  /** The prediction x̂₀ of the last step run (guided): what a preview shows. */
  readonly predicted: Float64Array;
  readonly nfe: number;
}

const ALPHA_BARS = scaledLinearAlphaBars();

/** ᾱ at a schedule position: of its timestep before the end, 1 (clean) at `steps`. */
export function alphaBarAt(steps: number, position: number): number {
  if (position >= steps) return 1;
  return ALPHA_BARS[trailingTimesteps(steps)[position]!]!;
}

/**
 * Runs positions [from, to) of the DDIM schedule of sampler/ddim-sampler.ts, generalised to η > 0
 * (Song et al. 2021, eq. 12): x_{t'} = √ᾱ_{t'}·x̂₀ + √(1 − ᾱ_{t'} − σ²)·ε̂ + σ·z with
 * σ = η·√((1 − ᾱ_{t'})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t'}) and z = ε(samplerStepSeed(seed, position)). With
 * η = 0 it is `sampleDdim`'s arithmetic step for step, so [0, k) then [k, steps) from the returned latent
 * gives `sampleDdim`'s sample bit for bit; with η > 0 the same seeds give the same sample however the
 * schedule is cut.
 */
export function sampleSegment(options: SegmentOptions): SegmentResult {
  const { conditional, unconditional, abortSignal, steps, from, to } = options;
  const guided = options.guidance > 1 && unconditional !== undefined;
  const guidance = guided ? options.guidance : 1;
  const eta = options.eta ?? 0;
  const dimension = conditional.bank.dimension;
  if (options.start.length !== dimension) throw new RangeError(`latent has length ${options.start.length}, expected ${dimension}`);
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= steps)) throw new RangeError(`segment [${from}, ${to}) is not within a schedule of ${steps} steps`);
  const timesteps = trailingTimesteps(steps);
  let x: Float64Array = Float64Array.from(options.start);
  let predicted: Float64Array = x;
  let nfe = 0;
  for (let index = from; index < to; index += 1) {
    if (abortSignal?.aborted) throw new AbortedError('generation aborted', { cause: abortSignal.reason });
    const alphaBar = ALPHA_BARS[timesteps[index]!]!;
    const nextTimestep = timesteps[index + 1];
    const nextAlphaBar = nextTimestep === undefined ? 1 : ALPHA_BARS[nextTimestep]!;
    const dots = bankDotProducts(conditional.bank, x);
    const x0 = denoiseMixture(conditional, x, alphaBar, dots).x0;
    nfe += 1;
    if (guided && unconditional !== undefined) {
      const x0Unconditional = denoiseMixture(unconditional, x, alphaBar, unconditional.bank === conditional.bank ? dots : undefined).x0;
      nfe += 1;
      for (let coordinate = 0; coordinate < dimension; coordinate += 1) {
        x0[coordinate] = x0Unconditional[coordinate]! + guidance * (x0[coordinate]! - x0Unconditional[coordinate]!);
      }
    }
    predicted = x0;
    if (nextTimestep === undefined) {
      x = x0;
      break;
    }
    const rootAlphaBar = Math.sqrt(alphaBar);
    const sigma = Math.sqrt(1 - alphaBar);
    const nextRootAlphaBar = Math.sqrt(nextAlphaBar);
    const next = new Float64Array(dimension);
    if (eta === 0) {
      const nextSigma = Math.sqrt(1 - nextAlphaBar);
      for (let coordinate = 0; coordinate < dimension; coordinate += 1) {
        const epsilon = (x[coordinate]! - rootAlphaBar * x0[coordinate]!) / sigma;
        next[coordinate] = nextRootAlphaBar * x0[coordinate]! + nextSigma * epsilon;
      }
    } else {
      const noiseScale = eta * Math.sqrt((1 - nextAlphaBar) / (1 - alphaBar)) * Math.sqrt(1 - alphaBar / nextAlphaBar);
      const direction = Math.sqrt(Math.max(0, 1 - nextAlphaBar - noiseScale * noiseScale));
      const z = standardNormalTensor(samplerStepSeed(options.seed ?? 0, index), dimension);
      for (let coordinate = 0; coordinate < dimension; coordinate += 1) {
        const epsilon = (x[coordinate]! - rootAlphaBar * x0[coordinate]!) / sigma;
        next[coordinate] = nextRootAlphaBar * x0[coordinate]! + direction * epsilon + noiseScale * z[coordinate]!;
      }
    }
    x = next;
  }
  return { latent: x, predicted, nfe };
}

/**
 * Re-noises a latent at position `start` forward to the noisier position `from` (< start):
 * x_from = √(ᾱ_from/ᾱ_start)·x_start + √(1 − ᾱ_from/ᾱ_start)·z, the forward process between two noise
 * levels (Ma et al. 2025's search over paths); z is standard normal.
 */
export function renoiseLatent(latent: ArrayLike<number>, steps: number, start: number, from: number, z: ArrayLike<number>): Float64Array {
  if (!(from < start)) throw new RangeError(`re-noising goes back to a noisier position: ${from} is not before ${start}`);
  const ratio = alphaBarAt(steps, from) / alphaBarAt(steps, start);
  const keep = Math.sqrt(ratio);
  const add = Math.sqrt(1 - ratio);
  return Float64Array.from(latent, (value, index) => keep * value + add * (z[index] ?? 0));
}
