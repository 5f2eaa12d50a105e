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
  for (const judgement of judgements) {
    for (const pair of judgement.pairs) {
      count(tally, pair.preferred).wins += 1;
      count(tally, pair.rejected).losses += 1;
    }
    for (const [candidate, evidence] of judgement.tiers) {
      if (POSITIVE_TIERS.has(evidence.tier)) count(tally, candidate).wins += 1;
      else if (NEGATIVE_TIERS.has(evidence.tier)) count(tally, candidate).losses += 1;
    }
  }
  const candidates = [...tally.keys()].sort();
  const labels: KtoLabel[] = [];
  for (const candidateId of candidates) {
    const { wins, losses } = tally.get(candidateId)!;
    const split: KtoSplit = losses === 0 ? 'exclusive_win' : wins === 0 ? 'exclusive_lose' : 'intersections';
    labels.push({ generationId, candidateId, split, label: split === 'exclusive_lose' ? 0 : 1, wins, losses });
  }
  return labels;
}

/** A candidate's entry in the tally, made on first use. */
function count(tally: Map<string, { wins: number; losses: number }>, candidate: string): { wins: number; losses: number } {
  let entry = tally.get(candidate);
  if (!entry) {
    entry = { wins: 0, losses: 0 };
    tally.set(candidate, entry);
  }
  return entry;
}
