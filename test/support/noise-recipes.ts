import type { NoiseRecipe } from '../../src/ports/index.js';

/** A neighbour of a single-seed pivot at an angle: cos θ·ε(pivot) + sin θ·ε(new seed) (DESIGN.md "Noise recipes"). */
export function neighbourRecipe(pivotSeed: number, newSeed: number, degrees: number): NoiseRecipe {
  const theta = (degrees * Math.PI) / 180;
  return { terms: [{ seed: pivotSeed, weight: Math.cos(theta) }, { seed: newSeed, weight: Math.sin(theta) }] };
}
