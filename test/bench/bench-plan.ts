/** What the GenEval benchmarks share: which prompts of a set they run, and the request an app would send. */
import type { GenerationPlan } from '../../src/engine/index.js';

/** Positions of `count` items spread evenly over `length` (every k-th), all when `count` is 'all' or not smaller: a subset that keeps a tag-grouped set's proportions. */
export function evenlySpacedIndices(length: number, count: number | 'all'): number[] {
  if (count === 'all' || count >= length) return Array.from({ length }, (_, index) => index);
  return Array.from({ length: count }, (_, k) => Math.floor((k * length) / count));
}

/** The items at `evenlySpacedIndices`. */
export function evenlySpaced<T>(items: readonly T[], count: number | 'all'): T[] {
  return evenlySpacedIndices(items.length, count).map((index) => items[index]!);
}

/** One GenEval request as the benchmarks send it: one image, guidance 5, geneval by rank as the reward; the caller picks prompt optimization and search. */
export function genevalPlan(
  cell: { readonly prompt: string; readonly seed: number; readonly size: number; readonly steps: number },
  promptOptimization: GenerationPlan['promptOptimization'],
  search: GenerationPlan['search'],
): GenerationPlan {
  return {
    prompt: cell.prompt,
    n: 1,
    width: cell.size,
    height: cell.size,
    steps: cell.steps,
    guidance: 5,
    seed: cell.seed,
    rewards: [{ model: 'geneval', weight: 1 }],
    aggregate: 'rank',
    promptOptimization,
    search,
  };
}
