/**
 * The rules that turn feedback signals into training data, in one place: the tiers a candidate reaches,
 * the weight of each signal, and the thresholds. The functions in `candidate-tiers.ts`,
 * `preference-pairs.ts` and `kto-labels.ts` apply them; `HARVEST_RULES` states them in words (it is
 * copied into every manifest, so a dataset says how it was made).
 *
 * Rules, in short:
 * 1. only consented events count; an erased app user's events and generations never do;
 * 2. duplicates are dropped: by `event_id`, and by `client_event_id` per tenant + generation (first received wins);
 * 3. per candidate, within one generation and one app user, the strongest signal wins:
 *    download/share/upscale (kept) > select > rate 4–5 > impression (shown) > regenerated > rate 1–2 / dismiss;
 * 4. `regenerate` turns everything that user was shown of that generation into a weak negative;
 * 5. two candidates in different tiers make a pair (the higher one preferred);
 * 6. `compare` is an explicit pair and overrides what tiers imply; a `tie` (or an even split) makes no pair,
 *    as the Diffusion-DPO reference drops Pick-a-Pic's ties;
 * 7. AI-feedback pairs come from reward margins between candidates of one generation, only above a threshold,
 *    never where a human pair exists, flagged `signal: 'ai_reward'` / `ai_feedback: true`;
 * 8. every pair carries a weight by its signal (`SIGNAL_WEIGHTS`).
 */

/** What decided a preference pair. */
export type PairSignal = 'download' | 'share' | 'upscale' | 'select' | 'rate' | 'dismiss' | 'regenerate' | 'compare' | 'ai_reward';

/** Every pair signal, strongest evidence first (the order of counts in a manifest). */
export const PAIR_SIGNALS: readonly PairSignal[] = ['compare', 'download', 'share', 'upscale', 'select', 'rate', 'dismiss', 'regenerate', 'ai_reward'];

/** Weight of a pair by the signal that decided it: explicit and costly actions weigh most, AI feedback least. */
export const SIGNAL_WEIGHTS: Readonly<Record<PairSignal, number>> = {
  compare: 1,
  download: 1,
  share: 1,
  upscale: 1,
  select: 0.8,
  rate: 0.6,
  dismiss: 0.5,
  regenerate: 0.3,
  ai_reward: 0.25,
};

/**
 * Where one user's signals put a candidate, best first. `kept`: downloaded, shared or upscaled;
 * `selected`; `liked`: rated 4–5; `shown`: an impression (or a neutral rating of 3) and nothing more;
 * `regenerated`: shown, and then the user asked for other images (weak negative); `rejected`: dismissed or
 * rated 1–2.
 */
export type CandidateTier = 'kept' | 'selected' | 'liked' | 'shown' | 'regenerated' | 'rejected';

/** Value of each tier: a pair needs two different values; the higher one is preferred. */
export const TIER_VALUE: Readonly<Record<CandidateTier, number>> = { kept: 5, selected: 4, liked: 3, shown: 2, regenerated: 1, rejected: 0 };

/** Tiers that count as a win (positive) or a loss (negative) on their own, for per-image (KTO) labels. */
export const POSITIVE_TIERS: ReadonlySet<CandidateTier> = new Set(['kept', 'selected', 'liked']);
export const NEGATIVE_TIERS: ReadonlySet<CandidateTier> = new Set(['regenerated', 'rejected']);

/** Thresholds and switches of a harvest (all recorded in the manifest). */
export interface HarvestThresholds {
  /** An AI pair needs a reward margin strictly above this (rewards of one generation; `rank` rewards lie in [0, 1]). */
  readonly aiMarginThreshold: number;
  /** Whether AI-feedback pairs are produced at all. */
  readonly includeAiFeedback: boolean;
  /** At most this many AI pairs per generation, largest margins first (a 256-image search would otherwise give thousands). */
  readonly aiMaxPairsPerGeneration: number;
}

/** Defaults: margin 0.5 on the rank reward (the best against the lower half), at most 32 AI pairs a generation. */
export const DEFAULT_THRESHOLDS: HarvestThresholds = { aiMarginThreshold: 0.5, includeAiFeedback: true, aiMaxPairsPerGeneration: 32 };

/** The rules in words, as the manifest records them. */
export const HARVEST_RULES: readonly string[] = [
  'Scope: feedback of one tenant whose dt partition (UTC receive date) lies in [from, to]; a generation enters the datasets only through a consented event about it in that scope.',
  'Consent: only events with consent = true are read; all others are dropped before anything else.',
  'Erasure: events whose app_user has an erasure tombstone of this tenant are dropped, and so are generations whose metadata.app_user is erased, with every event about them.',
  'Deleted data: events about a generation whose record is gone are dropped; events naming a candidate the record does not have (or that failed) are ignored.',
  'Duplicates: events are deduplicated by client_event_id within tenant + generation, and by event_id; the first received copy is kept (the smallest event_id: UUIDv7 ids are stamped at receipt).',
  'Tiers: per candidate, per generation and app user, the strongest signal wins: download/share/upscale (kept, 5) > select (4) > rate 4-5 (liked, 3) > impression or rate 3 (shown, 2) > regenerated (1) > dismiss or rate 1-2 (rejected, 0). The latest rating of a candidate counts.',
  'Regenerate: a regenerate event turns every candidate of that generation the same user was shown (and the candidate it names) into a weak negative (regenerated), unless a stronger signal lifts it.',
  'Pairs from tiers: two candidates of one generation in different tiers of the same user make a pair, the higher tier preferred. Its signal is the winner\'s when the winner is kept/selected/liked, else the loser\'s (regenerate, dismiss or rate).',
  'Compare: a compare event is an explicit pair and overrides the tiers of those two candidates; several compares of the same pair vote; a tie, or an even split of votes, makes no pair (ties are dropped, as the Diffusion-DPO reference drops Pick-a-Pic ties with label 0.5).',
  'AI feedback: between scored candidates of one generation, a pair whose reward margin is strictly above the threshold, unless a human pair of that generation already covers the two; largest margins first, at most the per-generation cap; signal ai_reward, ai_feedback = true.',
  `Weights by signal: ${Object.entries(SIGNAL_WEIGHTS)
    .map(([signal, weight]) => `${signal} ${weight}`)
    .join(', ')}.`,
  'DPO layout: image_0 is the candidate with the smaller id; label_0/label_1 are 1.0/0.0 for the preferred/other image; caption is the user\'s prompt; each image keeps its own final prompt, noise recipe, steps and guidance.',
  'KTO labels: from human evidence only: winning a pair or a kept/selected/liked tier is a win, losing a pair or a regenerated/rejected tier is a loss; only wins = exclusive_win (label 1), only losses = exclusive_lose (label 0), both = intersections (label 1, as the trainer\'s default policy gt_label_wi_l counts them).',
  'Rankings: every included generation with at least two scored candidates, in reward order (highest first, ties by candidate id).',
];
