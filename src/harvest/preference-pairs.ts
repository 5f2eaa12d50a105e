import { byReceipt, candidateTiers, type CandidateTiers, type EventRef, type TierEvidence } from './candidate-tiers.js';
import type { CompareEvent } from './kept-events.js';
import type { HarvestEvent } from './harvest-event.js';
import { isScored, type HarvestGeneration } from './harvest-generation.js';
import { POSITIVE_TIERS, SIGNAL_WEIGHTS, TIER_VALUE, type HarvestThresholds, type PairSignal } from './harvest-rules.js';

/** One preference between two candidates of one generation. */
export interface PreferencePair {
  readonly generationId: string;
  /** Whose judgement it is: the events' app user (null when they carry none; AI pairs: the generation's user). */
  readonly appUser: string | null;
  readonly preferred: string;
  readonly rejected: string;
  readonly signal: PairSignal;
  readonly weight: number;
  readonly aiFeedback: boolean;
  /** When it was decided (the deciding event's receipt; AI pairs: the generation's creation), ms since the epoch. */
  readonly decidedAt: number;
  /** The events it rests on. */
  readonly eventIds: readonly string[];
  /** Reward margin (AI pairs). */
  readonly rewardMargin?: number;
}

/** Pairs from one user's events about one generation, the tiers behind them, and what was dropped. */
export interface HumanPairs {
  readonly pairs: readonly PreferencePair[];
  readonly tiers: ReadonlyMap<string, TierEvidence>;
  /** Compare events answered `tie` (no pair, as Diffusion-DPO drops ties). */
  readonly ties: number;
  /** Candidate pairs whose compare votes split evenly (no pair). */
  readonly conflicting: number;
  /** Events naming a candidate the generation does not have. */
  readonly ignored: number;
}

interface CompareVotes {
  readonly first: string;
  readonly second: string;
  readonly forFirst: EventRef[];
  readonly forSecond: EventRef[];
}

/** The key of an unordered pair of candidates. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/**
 * The pair rules on one user's events about one generation, given as objects (the harvest reads its
 * events as columns, `KeptEvents.judge`): the tiers of `candidateTiers`, then `judgePairs`. `candidates`
 * are the ids that have an image.
 */
export function humanPairs(generationId: string, appUser: string | null, events: readonly HarvestEvent[], candidates: ReadonlySet<string>): HumanPairs {
  return judgePairs(generationId, appUser, candidateTiers(events, candidates), events.filter((event) => event.type === 'compare'), candidates);
}

/**
 * Applies the pair rules to one user's tiers and `compare` events about one generation: explicit `compare`
 * votes decide the pairs they cover (majority; a tie or an even split gives none; a compare naming an
 * unknown candidate, or choosing neither, is ignored and counted), and every other two candidates in
 * different tiers make a pair, the higher tier preferred (signal: the winner's when it is a positive tier,
 * else the loser's). Pairs come ordered by their two candidate ids.
 */
export function judgePairs(generationId: string, appUser: string | null, judged: CandidateTiers, compareEvents: readonly CompareEvent[], candidates: ReadonlySet<string>): HumanPairs {
  const { tiers } = judged;
  let ignored = judged.ignored;
  let ties = 0;
  const compares = new Map<string, CompareVotes>();
  const ordered = compareEvents.length > 1 ? [...compareEvents].sort(byReceipt) : compareEvents;
  for (const event of ordered) {
    const [first, second] = event.candidateIds ?? [];
    const choice = event.choice;
    const valid = first !== undefined && second !== undefined && first !== second && candidates.has(first) && candidates.has(second);
    if (!valid || (choice !== 'tie' && choice !== first && choice !== second)) {
      ignored += 1;
      continue;
    }
    const key = pairKey(first, second);
    let entry = compares.get(key);
    if (!entry) {
      entry = first < second ? { first, second, forFirst: [], forSecond: [] } : { first: second, second: first, forFirst: [], forSecond: [] };
      compares.set(key, entry);
    }
    if (choice === 'tie') ties += 1;
    else (choice === entry.first ? entry.forFirst : entry.forSecond).push(event);
  }

  const pairs: PreferencePair[] = [];
  let conflicting = 0;
  for (const entry of compares.values()) {
    const { forFirst, forSecond } = entry;
    if (forFirst.length === forSecond.length) {
      if (forFirst.length > 0) conflicting += 1;
      continue;
    }
    const firstWins = forFirst.length > forSecond.length;
    const winning = firstWins ? forFirst : forSecond;
    let decidedAt = -Infinity;
    for (const event of winning) decidedAt = Math.max(decidedAt, event.receivedAt);
    pairs.push({
      generationId,
      appUser,
      preferred: firstWins ? entry.first : entry.second,
      rejected: firstWins ? entry.second : entry.first,
      signal: 'compare',
      weight: SIGNAL_WEIGHTS.compare,
      aiFeedback: false,
      decidedAt,
      eventIds: winning.map((event) => event.eventId),
    });
  }

  // tier pairs, in the order of (smaller id, larger id): candidates sorted, i < j
  const ranked = [...tiers.keys()].sort();
  for (let i = 0; i < ranked.length; i += 1) {
    const a = ranked[i]!;
    const tierA = tiers.get(a)!;
    for (let j = i + 1; j < ranked.length; j += 1) {
      const b = ranked[j]!;
      const tierB = tiers.get(b)!;
      const valueA = TIER_VALUE[tierA.tier];
      const valueB = TIER_VALUE[tierB.tier];
      if (valueA === valueB || (compares.size > 0 && compares.has(pairKey(a, b)))) continue;
      const aWins = valueA > valueB;
      const winner = aWins ? tierA : tierB;
      const loser = aWins ? tierB : tierA;
      const decider = POSITIVE_TIERS.has(winner.tier) ? winner : loser;
      const signal = decider.signal as PairSignal;
      const winnerId = winner.event.eventId;
      const loserId = loser.event.eventId;
      pairs.push({
        generationId,
        appUser,
        preferred: aWins ? a : b,
        rejected: aWins ? b : a,
        signal,
        weight: SIGNAL_WEIGHTS[signal],
        aiFeedback: false,
        decidedAt: decider.event.receivedAt,
        eventIds: winnerId === loserId ? [winnerId] : [winnerId, loserId],
      });
    }
  }
  // compare pairs came first; merge them into the candidate order
  if (compares.size > 0) pairs.sort(byCandidates);
  return { pairs, tiers, ties, conflicting, ignored };
}

/**
 * AI-feedback pairs of one generation: scored candidates whose reward margin is strictly above the
 * threshold, except the candidate pairs in `covered` (a human already judged them); the largest margins
 * first (ties by candidate ids), at most `aiMaxPairsPerGeneration`.
 */
export function aiRewardPairs(generation: HarvestGeneration, thresholds: HarvestThresholds, covered: ReadonlySet<string> = new Set()): PreferencePair[] {
  if (!thresholds.includeAiFeedback || thresholds.aiMaxPairsPerGeneration <= 0) return [];
  const scored = generation.candidates.filter(isScored);
  const found: { preferred: string; rejected: string; margin: number }[] = [];
  for (let i = 0; i < scored.length; i += 1) {
    for (let j = i + 1; j < scored.length; j += 1) {
      const a = scored[i]!;
      const b = scored[j]!;
      const margin = Math.abs(a.reward - b.reward);
      if (!(margin > thresholds.aiMarginThreshold) || covered.has(pairKey(a.id, b.id))) continue;
      const [preferred, rejected] = a.reward > b.reward ? [a.id, b.id] : [b.id, a.id];
      found.push({ preferred, rejected, margin });
    }
  }
  if (found.length === 0) return [];
  const parsed = Date.parse(generation.createdAt);
  const decidedAt = Number.isFinite(parsed) ? parsed : 0;
  found.sort(byMarginThenCandidates);
  const pairs: PreferencePair[] = [];
  for (const { preferred, rejected, margin } of found.slice(0, thresholds.aiMaxPairsPerGeneration)) {
    pairs.push({ generationId: generation.id, appUser: generation.appUser, preferred, rejected, signal: 'ai_reward', weight: SIGNAL_WEIGHTS.ai_reward, aiFeedback: true, decidedAt, eventIds: [], rewardMargin: margin });
  }
  return pairs;
}

/** Largest margin first, then by candidates. */
function byMarginThenCandidates(x: { readonly preferred: string; readonly rejected: string; readonly margin: number }, y: { readonly preferred: string; readonly rejected: string; readonly margin: number }): number {
  return y.margin - x.margin || byCandidates(x, y);
}

/** Orders pairs by their unordered candidate pair (smaller id, then larger id), without building keys. */
function byCandidates(a: { readonly preferred: string; readonly rejected: string }, b: { readonly preferred: string; readonly rejected: string }): number {
  const aSwap = a.preferred > a.rejected;
  const bSwap = b.preferred > b.rejected;
  const aLow = aSwap ? a.rejected : a.preferred;
  const aHigh = aSwap ? a.preferred : a.rejected;
  const bLow = bSwap ? b.rejected : b.preferred;
  const bHigh = bSwap ? b.preferred : b.rejected;
  return aLow < bLow ? -1 : aLow > bLow ? 1 : aHigh < bHigh ? -1 : aHigh > bHigh ? 1 : 0;
}
