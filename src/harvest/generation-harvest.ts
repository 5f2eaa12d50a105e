import type { HarvestEvent } from './harvest-event.js';
import { hasImage, type HarvestGeneration } from './harvest-generation.js';
import type { HarvestThresholds } from './harvest-rules.js';
import type { KeptEvents } from './kept-events.js';
import { ktoLabels, type KtoLabel } from './kto-labels.js';
import { listwiseRanking, type ListwiseRanking } from './listwise-ranking.js';
import { aiRewardPairs, humanPairs, judgePairs, pairKey, type HumanPairs, type PreferencePair } from './preference-pairs.js';

/** What one generation contributes to the datasets. */
export interface GenerationHarvest {
  readonly generation: HarvestGeneration;
  /** Human pairs (per app user, by user then candidates), then AI pairs. */
  readonly pairs: readonly PreferencePair[];
  readonly kto: readonly KtoLabel[];
  readonly ranking: ListwiseRanking | null;
  /** Tie answers dropped. */
  readonly ties: number;
  /** Candidate pairs whose compare votes split evenly. */
  readonly conflicting: number;
  /** Events naming a candidate the generation does not have (or that failed). */
  readonly ignoredEvents: number;
}

/**
 * All rules for one generation, from its events as objects (what `harvestKept` computes from the harvest's
 * columns; a property test holds the two equal): events are judged per app user (one user's impressions
 * say nothing about another's downloads), then `assembleHarvest`.
 */
export function harvestGeneration(generation: HarvestGeneration, events: readonly HarvestEvent[], thresholds: HarvestThresholds): GenerationHarvest {
  const candidates = imageCandidates(generation);
  const byUser = new Map<string, HarvestEvent[]>();
  for (const event of events) {
    const key = event.appUser ?? '';
    const list = byUser.get(key);
    if (list) list.push(event);
    else byUser.set(key, [event]);
  }
  const judgements: HumanPairs[] = [...byUser.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([user, userEvents]) => humanPairs(generation.id, user === '' ? null : user, userEvents, candidates));
  return assembleHarvest(generation, judgements, thresholds);
}

/** All rules for one generation, from the harvest's kept-event columns: per app user `KeptEvents.judge` and `judgePairs`, then `assembleHarvest`. */
export function harvestKept(generation: HarvestGeneration, events: KeptEvents, thresholds: HarvestThresholds): GenerationHarvest {
  const candidates = imageCandidates(generation);
  const judgements = events.usersOf(generation.id).map((user) => {
    const { tiers, compares } = events.judge(user, candidates);
    return judgePairs(generation.id, user.appUser, tiers, compares, candidates);
  });
  return assembleHarvest(generation, judgements, thresholds);
}

/**
 * What the users' judgements of one generation make: their pairs (by user, as given), AI pairs where no
 * human judged two candidates, KTO labels pooling every user's human evidence, and the listwise ranking
 * (reward order).
 */
export function assembleHarvest(generation: HarvestGeneration, judgements: readonly HumanPairs[], thresholds: HarvestThresholds): GenerationHarvest {
  const human = judgements.flatMap((judgement) => judgement.pairs);
  const covered = new Set(human.map((pair) => pairKey(pair.preferred, pair.rejected)));
  return {
    generation,
    pairs: [...human, ...aiRewardPairs(generation, thresholds, covered)],
    kto: ktoLabels(generation.id, judgements),
    ranking: listwiseRanking(generation),
    ties: sum(judgements, (judgement) => judgement.ties),
    conflicting: sum(judgements, (judgement) => judgement.conflicting),
    ignoredEvents: sum(judgements, (judgement) => judgement.ignored),
  };
}

/** The candidates that have an image (the rules ignore events about the others). */
function imageCandidates(generation: HarvestGeneration): Set<string> {
  return new Set(generation.candidates.filter(hasImage).map((candidate) => candidate.id));
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
