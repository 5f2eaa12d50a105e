import type { NoiseRecipe } from '../../ports/index.js';
import { standardNormalTensor } from './normal-rng.js';

/** The latent the reference sampler starts from, and whether the recipe had to be repaired. */
export interface RecipeNoise {
  readonly noise: Float64Array;
  /** True when every weight was zero (or not finite) and ε(first seed) was used instead. */
  readonly degenerate: boolean;
}

/**
 * Realises a noise recipe as a latent: z = Σ wᵢ·ε(seedᵢ) / √(Σ wᵢ²) (DESIGN.md "Noise recipes"),
 * so any recipe is again standard normal. A recipe whose weights are all zero falls back to ε(seed₀).
 */
export function noiseFromRecipe(recipe: NoiseRecipe, length: number): RecipeNoise {
  const noise = new Float64Array(length);
  let sumOfSquares = 0;
  for (const term of recipe.terms) {
    if (!Number.isFinite(term.weight) || term.weight === 0) continue;
    sumOfSquares += term.weight * term.weight;
  }
  const first = recipe.terms[0];
  if (sumOfSquares === 0 || !Number.isFinite(sumOfSquares)) {
    const fallback = standardNormalTensor(first === undefined ? 0 : first.seed, length);
    for (let index = 0; index < length; index += 1) noise[index] = fallback[index];
    return { noise, degenerate: true };
  }
  const norm = Math.sqrt(sumOfSquares);
  for (const term of recipe.terms) {
    if (!Number.isFinite(term.weight) || term.weight === 0) continue;
    const epsilon = standardNormalTensor(term.seed, length);
    const scale = term.weight / norm;
    for (let index = 0; index < length; index += 1) noise[index] = noise[index] + scale * epsilon[index];
  }
  return { noise, degenerate: false };
}
