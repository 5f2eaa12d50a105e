import { isScored, type HarvestCandidate, type HarvestGeneration } from './harvest-generation.js';

/** All scored candidates of one generation in reward order, for Plackett–Luce / listwise objectives. */
export interface ListwiseRanking {
  readonly generationId: string;
  /** Highest reward first; equal rewards by candidate id. */
  readonly candidates: readonly (HarvestCandidate & { readonly reward: number })[];
}

/** The reward ranking of a generation, or null when fewer than two candidates were scored (nothing to rank). */
export function listwiseRanking(generation: HarvestGeneration): ListwiseRanking | null {
  const scored = generation.candidates.filter(isScored).sort((a, b) => b.reward - a.reward || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return scored.length < 2 ? null : { generationId: generation.id, candidates: scored };
}
