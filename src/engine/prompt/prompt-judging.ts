import type { NoiseRecipe } from '../../ports/index.js';
import { finalReserveNfe } from '../budget/budget-split.js';
import type { CandidateRecord } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';
import { singleSeedRecipe } from '../noise/noise-recipes.js';
import { OPT2I_MISSED_SIZE } from './opt2i-meta-prompt.js';

/** Where a judged prompt came from. */
export type PromptSource = 'user' | 'promptist' | 'opt2i';

/** A prompt and the images it was judged on. */
export interface JudgedPrompt {
  readonly prompt: string;
  readonly source: PromptSource;
  readonly round: number;
  readonly records: readonly CandidateRecord[];
}

/** How a judged prompt stands within the request right now (rank rewards move as images are added). */
export interface PromptStanding {
  /** Mean aggregated reward of its scored images (plan.aggregate), null if none scored. */
  readonly meanReward: number | null;
  /** Mean weighted raw score (what `target` compares against). */
  readonly meanRawScore: number | null;
  /** 0-100 integer for the OPT2I meta-prompt. */
  readonly score100: number | null;
  /** What the scorers said failed across its images, most frequent first (at most 5). */
  readonly missed: readonly string[];
}

/**
 * The m fixed noises every candidate prompt of a request is judged on (call once per request, so prompts
 * are compared fairly). They are the request's first search seeds: the user prompt's judging images are
 * exactly best-of-n's first m images, and search goes on with the next seeds.
 */
export function fixedPromptNoises(session: GenerationSession, count: number): NoiseRecipe[] {
  return Array.from({ length: count }, () => singleSeedRecipe(session.seeds.next('search')));
}

/** Generates and scores each prompt on the same noises (one fan-out for all), announcing each prompt first. */
export async function judgePrompts(
  session: GenerationSession,
  prompts: readonly { readonly prompt: string; readonly source: PromptSource }[],
  noises: readonly NoiseRecipe[],
  round: number,
  steps: number,
): Promise<JudgedPrompt[]> {
  // retries may have spent NFEs the prompt budget counted on: judge only the prompts that still fit
  const affordable = Math.floor(session.affordableImages(steps, finalReserveNfe(session.plan)) / Math.max(1, noises.length));
  if (affordable < prompts.length) session.warn(`${prompts.length - affordable} candidate prompts were not judged: retries spent the NFEs they needed`);
  const judged = prompts.slice(0, Math.max(0, affordable));
  for (const entry of judged) session.emit({ type: 'prompt', prompt: entry.prompt, source: entry.source, round });
  const records = await session.evaluate(
    judged.flatMap((entry) => noises.map((noise) => ({ prompt: entry.prompt, noise, steps, phase: 'prompt' as const, round }))),
  );
  return judged.map((entry, index) => ({
    ...entry,
    round,
    records: records.slice(index * noises.length, (index + 1) * noises.length),
  }));
}

/** The standing of a judged prompt given the request's current rewards (plan.aggregate) and rank rewards. */
export function standingOf(
  session: GenerationSession,
  judged: JudgedPrompt,
  rewards: Map<string, number>,
  rankRewards: Map<string, number>,
): PromptStanding {
  const scored = judged.records.filter((record) => record.status === 'scored');
  const mean = (values: number[]): number | null => (values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const meanReward = mean(scored.map((record) => rewards.get(record.id) ?? 0));
  const meanRawScore = mean(scored.map((record) => session.rawScore(record) ?? 0));
  const unit = mean(scored.map((record) => unitScore(session, record, rankRewards)));
  return {
    meanReward,
    meanRawScore,
    score100: unit === null ? null : Math.round(100 * Math.min(1, Math.max(0, unit))),
    missed: missedConstraints(judged.records),
  };
}

/**
 * A record's score on [0, 1] for the meta-prompt: the weighted mean of raw scores normalised by each
 * scorer's nominal range when every scorer has one (for `geneval` that is the verifier's score), else its
 * rank-aggregated reward within the request.
 */
function unitScore(session: GenerationSession, record: CandidateRecord, rankRewards: Map<string, number>): number {
  const ranges = session.rewards.map((spec) => session.deps.scorers[spec.model]?.scorer.range);
  if (ranges.every((range) => range !== undefined && range.max > range.min)) {
    const total = session.rewards.reduce((sum, spec) => sum + Math.abs(spec.weight), 0) || 1;
    return session.rewards.reduce((sum, spec, index) => {
      const range = ranges[index]!;
      const value = ((record.scores[spec.model] ?? range.min) - range.min) / (range.max - range.min);
      return sum + (spec.weight * Math.min(1, Math.max(0, value))) / total;
    }, 0);
  }
  return rankRewards.get(record.id) ?? 0;
}

/** The union of ScoreDetail.failed across records and scorers, most frequent first (ties: first seen), at most 5. */
export function missedConstraints(records: readonly CandidateRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const record of records) {
    for (const detail of Object.values(record.details)) {
      for (const failed of detail.failed ?? []) counts.set(failed, (counts.get(failed) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([text, count], order) => ({ text, count, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, OPT2I_MISSED_SIZE)
    .map((entry) => entry.text);
}

/** Index of the judged prompt with the highest mean reward; ties to the earlier (the user's prompt first). -1 if none scored. */
export function bestPromptIndex(standings: readonly PromptStanding[]): number {
  let best = -1;
  standings.forEach((standing, index) => {
    if (standing.meanReward === null) return;
    if (best === -1 || standing.meanReward > (standings[best]!.meanReward as number)) best = index;
  });
  return best;
}

/** Whitespace- and case-insensitive key of a prompt, to drop rewrites that repeat a judged prompt. */
export function promptKey(prompt: string): string {
  return prompt.replace(/\s+/g, ' ').trim().toLowerCase();
}
