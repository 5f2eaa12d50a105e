import { hashString, SeededRandom } from '../scene/seeded-random.js';
import type { Opt2iRequest } from './opt2i-meta-prompt-reader.js';
import { readPrompt, type PromptReading } from './prompt-reading.js';
import { REVISION_FEATURES, writePrompt, type RevisionFeature } from './prompt-writing.js';
import { featureMatchers, featuresOf } from './revision-features.js';
import { maybeAddContent, maybeBreakConstraint, REVISION_MISTAKE_RATES, type RevisionMistake, type RevisionMistakeRates } from './revision-mistakes.js';
import { DEFAULT_REVISION_PHRASING, type RevisionPhrasing } from './revision-phrasing.js';
import { readMiss, type MissKind, type ReadMiss } from './verifier-feedback.js';

/** What the reference reviser can be given instead of its defaults. */
export interface Opt2iReviserOptions {
  /** The templates it writes with (default DEFAULT_REVISION_PHRASING). */
  readonly phrasing?: RevisionPhrasing;
  /** Its mistake rates (default REVISION_MISTAKE_RATES). */
  readonly mistakeRates?: RevisionMistakeRates;
}

/** How one reply is sampled: the chat request's temperature and seed, and the conversation text. */
export interface Opt2iSampling {
  readonly temperature: number;
  readonly seed: number;
  /** The whole conversation, so that the same messages give the same reply. */
  readonly conversation: string;
}

/** One proposed prompt and how it came about. */
export interface Opt2iRevision {
  readonly prompt: string;
  /** The history prompt it was revised from; undefined when the history held none. */
  readonly parent?: string;
  readonly features: readonly RevisionFeature[];
  /** What it got wrong against the user's prompt (empty for a faithful revision). */
  readonly mistakes: readonly RevisionMistake[];
}

/**
 * Score points per unit of the parent choice's logit: at temperature 1 a prompt 30 points behind the best
 * is revised from about 5% as often, one 5 points behind about as often as the best.
 */
const PARENT_SCORE_SCALE = 10;

/** How much a feature's score contrast (score points / 100) weighs in choosing an edit. */
const CREDIT_WEIGHT = 6;

/** Weight of toggling a feature the history says nothing about (on; off is half as likely). */
const NEUTRAL_WEIGHT = 0.6;

/** Log-weight an edit loses each time an earlier revision of the same reply led with it. */
const REPEAT_PENALTY = 0.5;

/** Share of revisions whose first edit answers the most frequent miss, when some edit can (OPT2I's point: revise what the images did not show). */
const FEEDBACK_FOCUS = 0.7;

/** Share of revisions that make a second edit. */
const SECOND_EDIT_RATE = 0.35;

/** The edits that answer each kind of miss, with their weights (OPT2I: revise what the images did not show). */
const EDITS_FOR_MISS: Readonly<Record<MissKind, readonly (readonly [RevisionFeature | 'lead', number])[]>> = {
  omission: [['lead', 3], ['emphasis', 2]],
  count: [['explicit_counts', 3], ['numerals', 1.5]],
  colour: [['colour_clauses', 3], ['lead', 1.5]],
  relation: [['spatial_layout', 3], ['lead', 1]],
  other: [['boosters', 1], ['frame', 1]],
};

type Edit = { readonly kind: 'on' | 'off'; readonly feature: RevisionFeature } | { readonly kind: 'lead'; readonly mention: number };

interface Parent {
  readonly prompt: string;
  readonly score: number;
  readonly features: ReadonlySet<RevisionFeature>;
  readonly lead: string;
}

/**
 * The reference OPT2I reviser (Mañas et al. 2024), reasoning the way an LLM does over the meta-prompt:
 * it reads the initial prompt with its own heuristics, recognises the styles of every scored prompt in the
 * history, and writes each revision by taking a well-scored prompt's styles (the best one, mostly) and
 * editing them — turning on what the higher-scored prompts share, turning off what the lower-scored ones
 * share, and answering the most frequent `missed:` item (reorder the neglected object first, explicit
 * counts, colour clauses, spatial layout). Then it makes the mistakes LLM revisions make, at
 * `mistakeRates`. Deterministic given the request, seed and temperature; temperature 0 is greedy.
 */
export function reviseFromMetaPrompt(request: Opt2iRequest, sampling: Opt2iSampling, options: Opt2iReviserOptions = {}): Opt2iRevision[] {
  const phrasing = options.phrasing ?? DEFAULT_REVISION_PHRASING;
  const rates = options.mistakeRates ?? REVISION_MISTAKE_RATES;
  const temperature = Math.max(0, sampling.temperature);
  const random = new SeededRandom(hashString(`${sampling.seed}|${temperature}|${sampling.conversation}`));
  const gumbel = (): number => -Math.log(-Math.log(Math.min(1 - 1e-12, Math.max(1e-12, random.next()))));
  const reading = readPrompt(request.initialPrompt);
  const matchers = featureMatchers(phrasing);
  const scored = request.history.filter((entry) => entry.score !== null);
  const parents: Parent[] = scored.map((entry) => ({ prompt: entry.prompt, score: entry.score ?? 0, ...featuresOf(entry.prompt, matchers) }));
  const credits = featureCredits(parents);
  const misses = mostFrequentMisses(request, reading);
  const seen = new Set([request.initialPrompt, ...request.history.map((entry) => entry.prompt)].map((prompt) => prompt.trim().toLowerCase()));
  const editUses = new Map<string, number>();
  const revisions: Opt2iRevision[] = [];
  for (let attempt = 0; revisions.length < request.count && attempt < request.count * 8; attempt += 1) {
    const parent = chooseParent(parents, temperature, gumbel);
    const features = new Set(parent?.features ?? featuresOf(request.initialPrompt, matchers).features);
    const leadNoun = parent?.lead ?? reading.mentions[0]?.noun ?? '';
    let lead = Math.max(0, reading.mentions.findIndex((mention) => mention.noun === leadNoun));
    const weighted = candidateEdits(reading, features, lead, credits, misses);
    const answering = weighted.filter((entry) => entry.answersMiss);
    const focused = answering.length > 0 && random.next() < FEEDBACK_FOCUS;
    const edits = rankEdits(weighted, editUses, temperature, gumbel);
    const first = focused ? rankEdits(answering, editUses, temperature, gumbel)[0] : edits[0];
    const chosen = first === undefined ? [] : [first];
    if (first !== undefined) editUses.set(editKey(first), (editUses.get(editKey(first)) ?? 0) + 1);
    const second = edits.find((edit) => edit !== first && !(edit.kind === 'lead' && first?.kind === 'lead'));
    if (second !== undefined && random.next() < SECOND_EDIT_RATE) chosen.push(second);
    for (const edit of chosen) {
      if (edit.kind === 'lead') lead = edit.mention;
      else if (edit.kind === 'on') features.add(edit.feature);
      else features.delete(edit.feature);
    }
    const mistaken = maybeBreakConstraint(reading, rates.constraint, random);
    const addition = maybeAddContent(phrasing.additions, rates.unrequested, random);
    const emphasized = misses[0]?.mention ?? lead;
    const style = { features, lead: Math.min(lead, mistaken.reading.mentions.length - 1), emphasized, pick: (count: number) => (temperature > 0 ? random.int(count) : 0) };
    let prompt = reading.mentions.length === 0 ? request.initialPrompt.trim() : writePrompt(mistaken.reading, style, phrasing);
    if (addition !== undefined) prompt = `${prompt}, ${addition}`;
    const key = prompt.trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const mistakes: RevisionMistake[] = [...(mistaken.mistake === undefined ? [] : [mistaken.mistake]), ...(addition === undefined ? [] : ['added_content' as const])];
    revisions.push({ prompt, ...(parent === undefined ? {} : { parent: parent.prompt }), features: REVISION_FEATURES.filter((feature) => features.has(feature)), mistakes });
  }
  return revisions;
}

/**
 * Per feature, how much better the history's prompts with it scored than those without (score points / 100);
 * 0 when every prompt, or none, has it.
 */
function featureCredits(parents: readonly Parent[]): Map<RevisionFeature, number> {
  const credits = new Map<RevisionFeature, number>();
  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  for (const feature of REVISION_FEATURES) {
    const withIt = parents.filter((parent) => parent.features.has(feature)).map((parent) => parent.score);
    const without = parents.filter((parent) => !parent.features.has(feature)).map((parent) => parent.score);
    credits.set(feature, withIt.length > 0 && without.length > 0 ? (mean(withIt) - mean(without)) / 100 : 0);
  }
  return credits;
}

/** The `missed:` items of the history, most frequent first (ties: the better-scored prompt's first), as read against the prompt. */
function mostFrequentMisses(request: Opt2iRequest, reading: PromptReading): ReadMiss[] {
  const tally = new Map<string, { count: number; score: number }>();
  for (const entry of request.history) {
    for (const item of entry.missed) {
      const previous = tally.get(item);
      tally.set(item, { count: (previous?.count ?? 0) + 1, score: Math.max(previous?.score ?? -Infinity, entry.score ?? 0) });
    }
  }
  return [...tally.entries()].sort((left, right) => right[1].count - left[1].count || right[1].score - left[1].score).map(([item]) => readMiss(item, reading));
}

/** The history prompt to revise from: the best-scored, or at temperature > 0 a close one (Gumbel-max over score / PARENT_SCORE_SCALE). */
function chooseParent(parents: readonly Parent[], temperature: number, gumbel: () => number): Parent | undefined {
  let best: Parent | undefined;
  let bestKey = -Infinity;
  // The history is sorted ascending, so on ties the later (the engine's better-ranked) prompt wins.
  for (const parent of parents) {
    const key = parent.score / PARENT_SCORE_SCALE + temperature * gumbel();
    if (key >= bestKey) {
      best = parent;
      bestKey = key;
    }
  }
  return best;
}

/** An edit, how much the reviser wants it, and whether it answers the most frequent miss. */
interface WeightedEdit {
  readonly edit: Edit;
  readonly weight: number;
  readonly answersMiss: boolean;
}

/** Every edit that would change the prompt, weighted by the history's credits and the misses. */
function candidateEdits(reading: PromptReading, features: ReadonlySet<RevisionFeature>, lead: number, credits: ReadonlyMap<RevisionFeature, number>, misses: readonly ReadMiss[]): WeightedEdit[] {
  const applicable: Readonly<Record<RevisionFeature, boolean>> = {
    frame: true,
    explicit_counts: reading.mentions.length > 0,
    numerals: reading.mentions.some((mention) => mention.count > 1),
    colour_clauses: reading.mentions.some((mention) => mention.colour !== undefined),
    spatial_layout: reading.placements.some((placement) => placement.relation !== 'near'),
    emphasis: reading.mentions.length > 0,
    expansion: reading.mentions.length > 0,
    boosters: true,
  };
  const weights = new Map<string, WeightedEdit>();
  const add = (edit: Edit, weight: number, answersMiss = false): void => {
    if (weight <= 0) return;
    const key = editKey(edit);
    const previous = weights.get(key);
    weights.set(key, { edit, weight: (previous?.weight ?? 0) + weight, answersMiss: answersMiss || (previous?.answersMiss ?? false) });
  };
  for (const feature of REVISION_FEATURES) {
    if (!applicable[feature]) continue;
    const credit = credits.get(feature) ?? 0;
    if (features.has(feature)) add({ kind: 'off', feature }, credit < 0 ? 1 + CREDIT_WEIGHT * -credit : credit > 0 ? 0 : NEUTRAL_WEIGHT / 2);
    else add({ kind: 'on', feature }, credit > 0 ? 1 + CREDIT_WEIGHT * credit : credit < 0 ? 0 : NEUTRAL_WEIGHT);
  }
  reading.mentions.forEach((_, index) => {
    if (index !== lead) add({ kind: 'lead', mention: index }, NEUTRAL_WEIGHT / 2);
  });
  // The first miss is what the reviser answers; the next ones count for less.
  misses.slice(0, 3).forEach((miss, rank) => {
    const scale = 1 / (rank + 1);
    for (const [target, weight] of EDITS_FOR_MISS[miss.kind]) {
      if (target === 'lead') {
        if (miss.mention >= 0 && miss.mention !== lead) add({ kind: 'lead', mention: miss.mention }, weight * scale, rank === 0);
      } else if (applicable[target] && !features.has(target) && (credits.get(target) ?? 0) >= 0) add({ kind: 'on', feature: target }, weight * scale, rank === 0);
    }
  });
  return [...weights.values()];
}

/**
 * Edits from most to least wanted: log-weight, less REPEAT_PENALTY per earlier revision of this reply that
 * led with the same edit (asked for several paraphrases, an LLM varies them), plus temperature × Gumbel
 * noise (greedy at temperature 0).
 */
function rankEdits(edits: readonly WeightedEdit[], uses: ReadonlyMap<string, number>, temperature: number, gumbel: () => number): Edit[] {
  return edits
    .map((entry, order) => ({ edit: entry.edit, key: Math.log(entry.weight) - REPEAT_PENALTY * (uses.get(editKey(entry.edit)) ?? 0) + temperature * gumbel(), order }))
    .sort((left, right) => right.key - left.key || left.order - right.order)
    .map((entry) => entry.edit);
}

function editKey(edit: Edit): string {
  return edit.kind === 'lead' ? `lead:${edit.mention}` : `${edit.kind}:${edit.feature}`;
}
