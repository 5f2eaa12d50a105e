import { NEGATIVE_TIERS, POSITIVE_TIERS } from './harvest-rules.js';
import type { HumanPairs } from './preference-pairs.js';

/** The Pick-a-Pic KTO split names the Diffusion-KTO trainer reads (`split` column of `*_processed_v3.csv`). */
export type KtoSplit = 'exclusive_win' | 'exclusive_lose' | 'intersections';

/** A per-image binary label for Diffusion-KTO. */
export interface KtoLabel {
  readonly generationId: string;
  readonly candidateId: string;
  readonly split: KtoSplit;
  /** 1 desirable, 0 undesirable (intersections count as 1, the trainer's default policy `gt_label_wi_l`). */
  readonly label: 0 | 1;
  readonly wins: number;
  readonly losses: number;
}

/**
 * Per-image labels of one generation from every user's human judgements of it (AI feedback never labels):
 * a pair won or a positive tier (kept/selected/liked) is a win, a pair lost or a negative tier
 * (regenerated/rejected) a loss. Only wins: `exclusive_win`; only losses: `exclusive_lose`; both:
 * `intersections`. Merely shown images with no pair get no label. Sorted by candidate id.
 */
export function ktoLabels(generationId: string, judgements: readonly HumanPairs[]): KtoLabel[] {
  const tally = new Map<string, { wins: number; losses: number }>();
  const count = (candidate: string, field: 'wins' | 'losses'): void => {
    const entry = tally.get(candidate) ?? { wins: 0, losses: 0 };
    entry[field] += 1;
    tally.set(candidate, entry);
  };
  for (const judgement of judgements) {
    for (const pair of judgement.pairs) {
      count(pair.preferred, 'wins');
      count(pair.rejected, 'losses');
    }
    for (const [candidate, evidence] of judgement.tiers) {
      if (POSITIVE_TIERS.has(evidence.tier)) count(candidate, 'wins');
      else if (NEGATIVE_TIERS.has(evidence.tier)) count(candidate, 'losses');
    }
  }
  return [...tally.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([candidateId, { wins, losses }]) => {
      const split: KtoSplit = losses === 0 ? 'exclusive_win' : wins === 0 ? 'exclusive_lose' : 'intersections';
      return { generationId, candidateId, split, label: split === 'exclusive_lose' ? 0 : 1, wins, losses };
    });
}
