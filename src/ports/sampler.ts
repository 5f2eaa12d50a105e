/**
 * The sampler of a generator-v2 item: DDIM with stochasticity η (Song et al. 2021). η = 0 (the default)
 * is the deterministic DDIM/ODE sampler; η = 1 draws DDPM's posterior variance (ancestral sampling).
 * With η > 0 the noise injected at schedule position i is ε(samplerStepSeed(seed, i)), the endpoint's
 * standard-normal tensor for that seed, so a trajectory is a function of its noise recipe, its sampler
 * seed and its steps: the same seeds give the same image, and a run cut at any position and resumed from
 * its checkpoint with the same seed gives the uninterrupted run's image.
 */
export interface SamplerSpec {
  /** Stochasticity in [0, 1]. */
  readonly eta: number;
  /** Unsigned 32-bit seed of the injected noise (ignored when eta is 0). */
  readonly seed: number;
}

/**
 * Seed of the noise injected at schedule position `position`: murmur3's fmix32 of
 * (seed + 0x9e3779b9·(position + 1)) mod 2³². Written out so every endpoint (Python too) derives the same.
 */
export function samplerStepSeed(seed: number, position: number): number {
  return fmix32((seed + Math.imul(0x9e3779b9, position + 1)) >>> 0);
}

/** murmur3's 32-bit finaliser (an avalanche mix): the last step of every seed derivation. */
export function fmix32(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
