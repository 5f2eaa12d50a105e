import type { Scores } from '../../ports/index.js';
import type { AggregateMethod, RewardSpec } from '../generation-plan.js';

/** Per-scorer calibration constants for `zscore` aggregation. */
export type Calibrations = Readonly<Record<string, { readonly mean: number; readonly std: number }>>;

/**
 * Aggregated reward of each row of raw scores, compared only within these rows:
 * - `rank` (default; Ma et al. 2025's verifier ensemble): per scorer the mid-rank of the row scaled to
 *   [0, 1] (worst 0, best 1, ties share their mean rank), then the weighted mean over scorers. Scales of
 *   unrelated reward models (PickScore, HPSv2, ImageReward, CLIPScore, aesthetic) never mix.
 * - `zscore`: weighted mean of (score − mean) / std with each scorer's calibration.
 * - `weighted_sum`: weighted mean of raw scores, Σ wᵢ sᵢ / Σ |wᵢ| (weights normalised to sum to 1).
 * A scorer that abstained on a row (no score for its model) is left out of that row: it is ranked among
 * the rows it scored, and the row's weights are renormalised over the scorers that judged it. A row no
 * scorer judged gets null — never a made-up low or high reward.
 */
export function aggregateRewards(
  rows: readonly Scores[],
  rewards: readonly RewardSpec[],
  method: AggregateMethod,
  calibrations: Calibrations = {},
): (number | null)[] {
  const sums = new Array<number>(rows.length).fill(0);
  const weights = new Array<number>(rows.length).fill(0);
  for (const spec of rewards) {
    const present = rows.map((row, index) => ({ index, value: row[spec.model] })).filter((entry): entry is { index: number; value: number } => typeof entry.value === 'number' && !Number.isNaN(entry.value));
    const values = present.map((entry) => entry.value);
    const terms =
      method === 'rank'
        ? normalizedRanks(values)
        : method === 'zscore'
          ? values.map((value) => zScore(value, calibrations[spec.model]))
          : values;
    present.forEach((entry, position) => {
      sums[entry.index] += spec.weight * (terms[position] ?? 0);
      weights[entry.index] += Math.abs(spec.weight);
    });
  }
  return sums.map((sum, index) => (weights[index]! > 0 ? sum / weights[index]! : null));
}

/** Weighted mean of raw scores, the scale that thresholds and targets are compared against (rank is relative); null when no scorer judged it. */
export function weightedMeanScore(scores: Scores, rewards: readonly RewardSpec[]): number | null {
  return aggregateRewards([scores], rewards, 'weighted_sum')[0] ?? null;
}

/** Mid-ranks of values scaled to [0, 1]: 0 for the lowest, 1 for the highest, ties share; a single value gets 1. */
export function normalizedRanks(values: readonly number[]): number[] {
  const count = values.length;
  if (count === 1) return [1];
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(count).fill(0);
  let start = 0;
  while (start < count) {
    let end = start;
    while (end + 1 < count && order[end + 1]!.value === order[start]!.value) end += 1;
    const midRank = (start + end) / 2;
    for (let position = start; position <= end; position += 1) ranks[order[position]!.index] = midRank / (count - 1);
    start = end + 1;
  }
  return ranks;
}

/** A raw score standardised with a scorer's calibration (std ≤ 0 or missing counts as 1). */
function zScore(value: number, calibration: { readonly mean: number; readonly std: number } | undefined): number {
  const mean = calibration?.mean ?? 0;
  const std = calibration && calibration.std > 0 ? calibration.std : 1;
  return (value - mean) / std;
}
