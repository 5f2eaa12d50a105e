/**
 * The noise-recipe vectors shared with the Python GPU handler (infra/endpoints/testdata/noise-recipes.json,
 * also checked by infra/endpoints/tests/test_noise_vectors.py): per-seed tensors and weights in, the
 * combined tensor out, computed independently (decimal arithmetic) by the file's generator.
 *
 * `noiseFromRecipe` draws ε(seed) itself through `standardNormalTensor`; the vectors give ε(seed)
 * explicitly, so the test substitutes that one function of normal-rng.ts with the vectors' tensors and
 * checks the reference combination exactly as the sampler runs it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { noiseFromRecipe } from '../../src/reference-world/sampler/recipe-noise.js';
import { neighborRecipe, normalizeRecipe } from '../../src/engine/noise/noise-recipes.js';

interface Term {
  seed: number;
  weight: number;
}
interface Vectors {
  shape: number[];
  tolerance: number;
  epsilon: Record<string, number[][]>;
  cases: { name: string; terms: Term[]; expected: number[][]; neighbor?: { pivot: { terms: Term[] }; angle: number; seed: number } }[];
  invalid: { name: string; terms: Term[] }[];
}

const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../infra/endpoints/testdata/noise-recipes.json', import.meta.url)), 'utf8'),
) as Vectors;
const length = vectors.shape.reduce((product, side) => product * side, 1);

const table = vi.hoisted(() => ({ epsilon: new Map<number, number[]>(), drawn: [] as number[] }));

vi.mock('../../src/reference-world/sampler/normal-rng.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/reference-world/sampler/normal-rng.js')>();
  return {
    ...original,
    standardNormalTensor: (seed: number, size: number): Float32Array => {
      const values = table.epsilon.get(seed);
      if (values === undefined) throw new Error(`the vectors have no ε(${seed})`);
      if (size !== values.length) throw new Error(`ε(${seed}) has ${values.length} values, asked for ${size}`);
      table.drawn.push(seed);
      return Float32Array.from(values);
    },
  };
});

for (const [seed, values] of Object.entries(vectors.epsilon)) table.epsilon.set(Number(seed), values.flat());

function close(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index += 1) {
    expect(Math.abs(actual[index] - expected[index]), `element ${index}: ${actual[index]} vs ${expected[index]}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('shared noise-recipe vectors (TypeScript side)', () => {
  it('gives float32-exact per-seed tensors of the declared shape', () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(10);
    for (const [seed, values] of Object.entries(vectors.epsilon)) {
      const flat = values.flat();
      expect(flat, `ε(${seed})`).toHaveLength(length);
      for (const value of flat) expect(Math.fround(value)).toBe(value);
    }
  });

  for (const vector of vectors.cases) {
    it(`noiseFromRecipe: ${vector.name}`, () => {
      table.drawn.length = 0;
      const { noise, degenerate } = noiseFromRecipe({ terms: vector.terms }, length);
      expect(degenerate).toBe(false);
      close(noise, vector.expected.flat(), vectors.tolerance);
      const nonZero = vector.terms.filter((term) => term.weight !== 0).map((term) => term.seed);
      expect(table.drawn).toEqual(nonZero);
    });
  }

  for (const vector of vectors.cases.filter((entry) => entry.neighbor !== undefined)) {
    it(`neighborRecipe builds the vector's recipe: ${vector.name}`, () => {
      const { pivot, angle, seed } = vector.neighbor!;
      const built = neighborRecipe(pivot, angle, seed);
      expect(built.terms.map((term) => term.seed)).toEqual(vector.terms.map((term) => term.seed));
      close(
        built.terms.map((term) => term.weight),
        vector.terms.map((term) => term.weight),
        1e-15,
      );
    });
  }

  for (const vector of vectors.invalid) {
    it(`rejects a recipe the handler rejects: ${vector.name}`, () => {
      expect(() => normalizeRecipe({ terms: vector.terms })).toThrow(/non-zero/);
      // The in-process sampler repairs such a recipe instead (ε of the first seed): never sent to an endpoint.
      expect(noiseFromRecipe({ terms: vector.terms }, length).degenerate).toBe(true);
    });
  }
});
