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
  const judgements: HumanPairs[] = [];
  for (const user of events.usersOf(generation.id)) {
    const { tiers, compares } = events.judge(user, candidates);
    judgements.push(judgePairs(generation.id, user.appUser, tiers, compares, candidates));
  }
  return assembleHarvest(generation, judgements, thresholds);
}

/**
 * What the users' judgements of one generation make: their pairs (by user, as given), AI pairs where no
 * human judged two candidates, KTO labels pooling every user's human evidence, and the listwise ranking
 * (reward order).
 */
export function assembleHarvest(generation: HarvestGeneration, judgements: readonly HumanPairs[], thresholds: HarvestThresholds): GenerationHarvest {
  // one loop, no callbacks: this runs once per generation of a harvest
  const pairs: PreferencePair[] = [];
  const covered = new Set<string>();
  let ties = 0;
  let conflicting = 0;
  let ignoredEvents = 0;
  for (const judgement of judgements) {
    for (const pair of judgement.pairs) {
      pairs.push(pair);
      covered.add(pairKey(pair.preferred, pair.rejected));
    }
    ties += judgement.ties;
    conflicting += judgement.conflicting;
    ignoredEvents += judgement.ignored;
  }
  for (const pair of aiRewardPairs(generation, thresholds, covered)) pairs.push(pair);
  return { generation, pairs, kto: ktoLabels(generation.id, judgements), ranking: listwiseRanking(generation), ties, conflicting, ignoredEvents };
}

/** The candidates that have an image (the rules ignore events about the others). */
function imageCandidates(generation: HarvestGeneration): Set<string> {
  const ids = new Set<string>();
  for (const candidate of generation.candidates) if (hasImage(candidate)) ids.add(candidate.id);
  return ids;
}
