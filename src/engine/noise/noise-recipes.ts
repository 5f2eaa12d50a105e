import type { NoiseRecipe, NoiseTerm } from '../../ports/index.js';
import { InvalidNoiseRecipeError } from '../engine-errors.js';

/** Most terms a recipe may carry (the wire schema's limit). */
export const MAX_RECIPE_TERMS = 64;

/** A recipe of one seeded standard-normal tensor: what best-of-n samples. */
export function singleSeedRecipe(seed: number): NoiseRecipe {
  return { terms: [{ seed: seed >>> 0, weight: 1 }] };
}

/**
 * The same noise in canonical form: duplicate seeds merged (weights added), zero terms dropped,
 * weights scaled so Σwᵢ² = 1. Terms keep the order of their first appearance.
 */
export function normalizeRecipe(recipe: NoiseRecipe): NoiseRecipe {
  const merged = new Map<number, number>();
  for (const term of recipe.terms) {
    if (!Number.isFinite(term.weight)) throw new InvalidNoiseRecipeError(`weight of seed ${term.seed} is not finite`);
    merged.set(term.seed, (merged.get(term.seed) ?? 0) + term.weight);
  }
  const terms = [...merged].filter(([, weight]) => weight !== 0);
  const norm = Math.sqrt(terms.reduce((sum, [, weight]) => sum + weight * weight, 0));
  if (terms.length === 0 || !(norm > 0)) throw new InvalidNoiseRecipeError('a noise recipe needs at least one non-zero term');
  return { terms: terms.map(([seed, weight]) => ({ seed, weight: weight / norm })) };
}

/** Cosine between two recipes as vectors over independent ε(seed): their expected correlation as noises. */
export function recipeCosine(a: NoiseRecipe, b: NoiseRecipe): number {
  const left = normalizeRecipe(a);
  const right = normalizeRecipe(b);
  const weights = new Map(right.terms.map((term) => [term.seed, term.weight] as const));
  return left.terms.reduce((sum, term) => sum + term.weight * (weights.get(term.seed) ?? 0), 0);
}

/**
 * A neighbour of `pivot` at `angle` radians: cos θ · pivot + sin θ · ε(seed), i.e. the pivot's terms
 * rescaled by cos θ over their norm plus one term of weight sin θ (Ma et al. 2025's zero-order step).
 * `seed` must be new to the pivot for the angle to be exact (a repeated seed is merged).
 * A pivot already at MAX_RECIPE_TERMS loses its smallest terms first (a slightly smaller angle).
 */
export function neighborRecipe(pivot: NoiseRecipe, angle: number, seed: number): NoiseRecipe {
  let base = normalizeRecipe(pivot);
  if (base.terms.length >= MAX_RECIPE_TERMS) base = keepLargestTerms(base, MAX_RECIPE_TERMS - 1);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const terms: NoiseTerm[] = base.terms.map((term) => ({ seed: term.seed, weight: term.weight * cos }));
  terms.push({ seed: seed >>> 0, weight: sin });
  return normalizeRecipe({ terms });
}

/** The recipe reduced to its `count` largest-weight terms, renormalised (order of the kept terms preserved). */
function keepLargestTerms(recipe: NoiseRecipe, count: number): NoiseRecipe {
  const kept = new Set(
    recipe.terms
      .map((term, index) => ({ index, magnitude: Math.abs(term.weight) }))
      .sort((a, b) => b.magnitude - a.magnitude || a.index - b.index)
      .slice(0, count)
      .map((entry) => entry.index),
  );
  return normalizeRecipe({ terms: recipe.terms.filter((_, index) => kept.has(index)) });
}

/** Σwᵢ² of a recipe (1 for every normalised recipe). */
export function recipeSquaredNorm(recipe: NoiseRecipe): number {
  return recipe.terms.reduce((sum, term) => sum + term.weight * term.weight, 0);
}

/** Stable text key of a recipe (same noise, same key), to recognise repeated noises. */
export function recipeKey(recipe: NoiseRecipe): string {
  return normalizeRecipe(recipe)
    .terms.map((term) => `${term.seed}:${term.weight.toPrecision(12)}`)
    .join(',');
}
