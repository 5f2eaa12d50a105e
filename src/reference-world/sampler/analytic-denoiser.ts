import { bankCombination, bankDotProducts, type PrototypeBank } from './prototype-bank.js';

/**
 * A finite Gaussian mixture over latents: p(x₀) = Σ_k π_k·N(μ_k, s²·I), with the means in a shared
 * prototype bank. A prototype the mixture does not use has log-weight −Infinity.
 */
export interface LatentMixture {
  readonly bank: PrototypeBank;
  /** log π_k per bank row (need not be normalised). */
  readonly logWeights: Float64Array;
  /** s², the per-coordinate variance of each component (small: "deltas with a little spread"). */
  readonly variance: number;
}

/** The exact posterior of a mixture given a noisy latent: component responsibilities and E[x₀ | x_t]. */
export interface MixturePosterior {
  /** p(k | x_t), summing to 1. */
  readonly responsibilities: Float64Array;
  /** E[x₀ | x_t], the optimal (MMSE) denoiser's output. */
  readonly x0: Float64Array;
}

/**
 * p(k | x_t) for x_t = √ᾱ·x₀ + √(1−ᾱ)·ε: under component k, x_t ~ N(√ᾱ·μ_k, v·I) with v = ᾱs² + 1 − ᾱ, so
 * log p(k | x_t) = log π_k + (√ᾱ⟨x_t, μ_k⟩ − ᾱ‖μ_k‖²/2)/v + const. `dots` are ⟨μ_k, x_t⟩ (shared between mixtures).
 */
export function mixtureResponsibilities(mixture: LatentMixture, dots: Float64Array, alphaBar: number): Float64Array {
  const { bank, logWeights, variance } = mixture;
  const rootAlphaBar = Math.sqrt(alphaBar);
  const totalVariance = alphaBar * variance + (1 - alphaBar);
  const logits = new Float64Array(bank.count);
  let maximum = -Infinity;
  for (let row = 0; row < bank.count; row += 1) {
    const logWeight = logWeights[row];
    const logit = logWeight === -Infinity ? -Infinity : logWeight + (rootAlphaBar * dots[row] - (alphaBar * bank.squaredNorms[row]) / 2) / totalVariance;
    logits[row] = logit;
    if (logit > maximum) maximum = logit;
  }
  if (maximum === -Infinity) throw new RangeError('a latent mixture needs at least one component with a finite weight');
  let sum = 0;
  for (let row = 0; row < bank.count; row += 1) {
    const weight = logits[row] === -Infinity ? 0 : Math.exp(logits[row] - maximum);
    logits[row] = weight;
    sum += weight;
  }
  for (let row = 0; row < bank.count; row += 1) logits[row] /= sum;
  return logits;
}

/**
 * E[x₀ | x_t] = Σ_k p(k|x_t)·(μ_k + (√ᾱ·s²/v)(x_t − √ᾱ·μ_k)) = (1 − ᾱs²/v)·Σ_k p(k|x_t)·μ_k + (√ᾱ·s²/v)·x_t:
 * the closed-form optimal denoiser of a Gaussian mixture, a responsibility-weighted average of the prototypes.
 */
export function mixturePosteriorMean(mixture: LatentMixture, responsibilities: Float64Array, xt: ArrayLike<number>, alphaBar: number): Float64Array {
  const totalVariance = alphaBar * mixture.variance + (1 - alphaBar);
  const shrink = 1 - (alphaBar * mixture.variance) / totalVariance;
  const pass = (Math.sqrt(alphaBar) * mixture.variance) / totalVariance;
  const x0 = bankCombination(mixture.bank, responsibilities);
  for (let index = 0; index < x0.length; index += 1) x0[index] = shrink * x0[index] + pass * xt[index];
  return x0;
}

/** The analytic denoiser: exact p(k | x_t) and E[x₀ | x_t] of a latent mixture at noise level ᾱ. */
export function denoiseMixture(mixture: LatentMixture, xt: ArrayLike<number>, alphaBar: number, dots?: Float64Array): MixturePosterior {
  const projections = dots ?? bankDotProducts(mixture.bank, xt);
  const responsibilities = mixtureResponsibilities(mixture, projections, alphaBar);
  return { responsibilities, x0: mixturePosteriorMean(mixture, responsibilities, xt, alphaBar) };
}
