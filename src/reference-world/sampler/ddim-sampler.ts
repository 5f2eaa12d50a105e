import { AbortedError } from '../../ports/errors.js';
import { denoiseMixture, type LatentMixture } from './analytic-denoiser.js';
import { scaledLinearAlphaBars, trailingTimesteps } from './noise-schedule.js';
import { bankDotProducts } from './prototype-bank.js';

/** Inputs of one deterministic DDIM run over analytic mixture denoisers. */
export interface DdimOptions {
  /** The prompt-conditional mixture p(x₀ | c). */
  readonly conditional: LatentMixture;
  /** The unconditional mixture p(x₀) (its own bank, or the conditional one); needed when guidance > 1. */
  readonly unconditional?: LatentMixture;
  /** Classifier-free guidance scale g; ≤ 1 means no guidance (one evaluation per step). */
  readonly guidance: number;
  readonly steps: number;
  /** x_T, a standard-normal latent of the bank's dimension. */
  readonly noise: ArrayLike<number>;
  readonly abortSignal?: AbortSignal;
}

/** The sample and the sampler's view of it at its last step. */
export interface DdimResult {
  /** x₀, the final latent. */
  readonly sample: Float64Array;
  /** Conditional responsibilities p(k | x_t) at the last evaluated step (how concentrated the posterior was). */
  readonly lastResponsibilities: Float64Array;
  /** Denoiser evaluations: steps, ×2 with guidance. */
  readonly nfe: number;
}

const ALPHA_BARS = scaledLinearAlphaBars();

/**
 * DDIM with η = 0 (Song et al. 2021, "Denoising Diffusion Implicit Models"): x_{t'} = √ᾱ_{t'}·x̂₀ + √(1−ᾱ_{t'})·ε̂,
 * a deterministic map from x_T to x₀, with classifier-free guidance (Ho & Salimans 2022)
 * ε̂ = ε_u + g·(ε_c − ε_u). The denoisers are the exact posterior means of the two mixtures, so the sampler
 * follows the probability-flow ODE of the modelled distribution up to discretisation error: few steps leave
 * the posterior spread over several prototypes (a blend), many steps commit to one.
 */
export function sampleDdim(options: DdimOptions): DdimResult {
  const { conditional, unconditional, noise, abortSignal } = options;
  const guided = options.guidance > 1 && unconditional !== undefined;
  const guidance = guided ? options.guidance : 1;
  const dimension = conditional.bank.dimension;
  if (noise.length !== dimension) throw new RangeError(`noise has length ${noise.length}, expected ${dimension}`);
  const timesteps = trailingTimesteps(options.steps);
  let x: Float64Array = Float64Array.from(noise);
  let lastResponsibilities: Float64Array = new Float64Array(conditional.bank.count);
  let nfe = 0;
  for (let index = 0; index < timesteps.length; index += 1) {
    if (abortSignal?.aborted) throw new AbortedError('generation aborted', { cause: abortSignal.reason });
    const alphaBar = ALPHA_BARS[timesteps[index]];
    const nextTimestep = timesteps[index + 1];
    const nextAlphaBar = nextTimestep === undefined ? 1 : ALPHA_BARS[nextTimestep];
    const dots = bankDotProducts(conditional.bank, x);
    const conditionalPosterior = denoiseMixture(conditional, x, alphaBar, dots);
    nfe += 1;
    lastResponsibilities = conditionalPosterior.responsibilities;
    let x0 = conditionalPosterior.x0;
    if (guided && unconditional !== undefined) {
      const unconditionalPosterior = denoiseMixture(unconditional, x, alphaBar, unconditional.bank === conditional.bank ? dots : undefined);
      nfe += 1;
      // ε is affine in x̂₀ at fixed x_t, so guiding ε is guiding x̂₀: x̂₀ = x̂₀_u + g·(x̂₀_c − x̂₀_u).
      const x0Unconditional = unconditionalPosterior.x0;
      for (let coordinate = 0; coordinate < dimension; coordinate += 1) {
        x0[coordinate] = x0Unconditional[coordinate] + guidance * (x0[coordinate] - x0Unconditional[coordinate]);
      }
    }
    if (nextTimestep === undefined) {
      x = x0;
      break;
    }
    const rootAlphaBar = Math.sqrt(alphaBar);
    const sigma = Math.sqrt(1 - alphaBar);
    const nextRootAlphaBar = Math.sqrt(nextAlphaBar);
    const nextSigma = Math.sqrt(1 - nextAlphaBar);
    const next = new Float64Array(dimension);
    for (let coordinate = 0; coordinate < dimension; coordinate += 1) {
      const epsilon = (x[coordinate] - rootAlphaBar * x0[coordinate]) / sigma;
      next[coordinate] = nextRootAlphaBar * x0[coordinate] + nextSigma * epsilon;
    }
    x = next;
  }
  return { sample: x, lastResponsibilities, nfe };
}
