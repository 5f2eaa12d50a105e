import { describe, expect, it } from 'vitest';
import { InvalidNoiseRecipeError } from '../../../src/engine/engine-errors.js';
import {
  MAX_RECIPE_TERMS,
  neighborRecipe,
  normalizeRecipe,
  recipeCosine,
  recipeKey,
  recipeSquaredNorm,
  singleSeedRecipe,
} from '../../../src/engine/noise/noise-recipes.js';
import type { NoiseRecipe } from '../../../src/ports/index.js';
import { seededRandom } from '../seeded-random.js';

/** A random recipe: 1-8 terms, seeds from a small pool (so duplicates happen), weights in [-2, 2]. */
function randomRecipe(random: ReturnType<typeof seededRandom>): NoiseRecipe {
  const count = random.int(1, 8);
  const terms = Array.from({ length: count }, () => ({ seed: random.int(0, 12), weight: random.next() * 4 - 2 }));
  terms.push({ seed: 1000 + random.int(0, 5), weight: 0.5 + random.next() });
  return { terms };
}

describe('singleSeedRecipe', () => {
  it('names one seed with unit weight', () => {
    // Act
    const recipe = singleSeedRecipe(7);

    // Assess
    expect(recipe).toEqual({ terms: [{ seed: 7, weight: 1 }] });
  });
});

describe('normalizeRecipe', () => {
  it('gives every recipe unit total weight (Σwᵢ² = 1) and unique seeds', () => {
    // Prepare
    const random = seededRandom(1);
    for (let run = 0; run < 500; run += 1) {
      const recipe = randomRecipe(random);

      // Act
      const normalized = normalizeRecipe(recipe);

      // Assess
      expect(recipeSquaredNorm(normalized)).toBeCloseTo(1, 12);
      expect(new Set(normalized.terms.map((term) => term.seed)).size).toBe(normalized.terms.length);
    }
  });

  it('merges duplicate seeds by adding their weights and drops cancelled terms', () => {
    // Prepare
    const recipe = { terms: [{ seed: 1, weight: 3 }, { seed: 2, weight: 1 }, { seed: 1, weight: 1 }, { seed: 2, weight: -1 }] };

    // Act
    const normalized = normalizeRecipe(recipe);

    // Assess
    expect(normalized).toEqual({ terms: [{ seed: 1, weight: 1 }] });
  });

  it('keeps the direction of the noise (cosine 1 with the input)', () => {
    // Prepare
    const recipe = { terms: [{ seed: 5, weight: 3 }, { seed: 9, weight: 4 }] };

    // Act
    const normalized = normalizeRecipe(recipe);

    // Assess
    expect(normalized.terms).toEqual([{ seed: 5, weight: 0.6 }, { seed: 9, weight: 0.8 }]);
  });

  it('rejects a recipe without a non-zero term', () => {
    // Act
    const act = (): NoiseRecipe => normalizeRecipe({ terms: [{ seed: 1, weight: 0 }] });

    // Assess
    expect(act).toThrow(InvalidNoiseRecipeError);
  });
});

describe('neighborRecipe', () => {
  it("keeps the pivot's share cos θ and unit total weight, for random pivots and angles", () => {
    // Prepare
    const random = seededRandom(2);
    for (let run = 0; run < 500; run += 1) {
      const pivot = randomRecipe(random);
      const angle = random.next() * (Math.PI / 2);
      const seed = 5000 + run;

      // Act
      const neighbor = neighborRecipe(pivot, angle, seed);

      // Assess
      expect(recipeSquaredNorm(neighbor)).toBeCloseTo(1, 12);
      expect(recipeCosine(neighbor, pivot)).toBeCloseTo(Math.cos(angle), 12);
      expect(recipeCosine(neighbor, singleSeedRecipe(seed))).toBeCloseTo(Math.sin(angle), 12);
    }
  });

  it('adds exactly one term of weight sin θ to the pivot rescaled by cos θ', () => {
    // Prepare
    const pivot = { terms: [{ seed: 1, weight: 0.6 }, { seed: 2, weight: 0.8 }] };
    const angle = Math.acos(0.95);

    // Act
    const neighbor = neighborRecipe(pivot, angle, 3);

    // Assess
    expect(neighbor.terms.map((term) => term.seed)).toEqual([1, 2, 3]);
    expect(neighbor.terms[0]?.weight).toBeCloseTo(0.6 * 0.95, 12);
    expect(neighbor.terms[1]?.weight).toBeCloseTo(0.8 * 0.95, 12);
    expect(neighbor.terms[2]?.weight).toBeCloseTo(Math.sin(angle), 12);
  });

  it('stays within the wire limit of 64 terms on a long walk, close to cos θ from its pivot', () => {
    // Prepare
    let recipe = singleSeedRecipe(0);
    const angle = Math.acos(0.95);

    // Act
    let cosine = 1;
    for (let step = 1; step <= 200; step += 1) {
      const next = neighborRecipe(recipe, angle, step);
      cosine = recipeCosine(next, recipe);
      recipe = next;
    }

    // Assess
    expect(recipe.terms.length).toBeLessThanOrEqual(MAX_RECIPE_TERMS);
    expect(recipeSquaredNorm(recipe)).toBeCloseTo(1, 12);
    expect(cosine).toBeGreaterThan(0.949);
  });
});

describe('recipeCosine', () => {
  it('is 0 between independent seeds and 1 between a recipe and its rescaling', () => {
    // Prepare
    const recipe = { terms: [{ seed: 1, weight: 1 }, { seed: 2, weight: 2 }] };

    // Act
    const independent = recipeCosine(singleSeedRecipe(1), singleSeedRecipe(2));
    const same = recipeCosine(recipe, { terms: [{ seed: 2, weight: 6 }, { seed: 1, weight: 3 }] });

    // Assess
    expect(independent).toBe(0);
    expect(same).toBeCloseTo(1, 12);
  });
});

describe('recipeKey', () => {
  it('is equal for the same noise written differently and different for another noise', () => {
    // Act
    const a = recipeKey({ terms: [{ seed: 1, weight: 2 }, { seed: 2, weight: 2 }] });
    const b = recipeKey({ terms: [{ seed: 1, weight: 1 }, { seed: 2, weight: 0.5 }, { seed: 2, weight: 0.5 }] });
    const c = recipeKey({ terms: [{ seed: 1, weight: 1 }, { seed: 2, weight: 2 }] });

    // Assess
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
