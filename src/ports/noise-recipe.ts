import { z } from 'zod';

/**
 * Names an initial noise without shipping the tensor:
 * z = Σ wᵢ·ε(seedᵢ) / √(Σ wᵢ²), where ε(seed) is the backend's standard-normal tensor for that seed.
 * Any recipe is again a standard normal, so every recipe is a valid starting noise.
 */
export interface NoiseRecipe {
  readonly terms: readonly NoiseTerm[];
}

/** One seeded standard-normal tensor and its weight in a recipe. */
export interface NoiseTerm {
  /** Unsigned 32-bit seed of ε(seed). */
  readonly seed: number;
  readonly weight: number;
}

/** Wire schema of a noise recipe (HTTP API, endpoint payloads). */
export const noiseRecipeSchema = z.object({
  terms: z
    .array(
      z.object({
        seed: z.number().int().min(0).max(0xffffffff),
        weight: z.number().finite(),
      }),
    )
    .min(1)
    .max(64),
});
