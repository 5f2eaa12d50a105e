import type { NoiseRecipe, SamplerSpec } from '../../ports/index.js';
import { segmentNfe } from '../budget/nfe-cost.js';
import type { CandidateRecord, CandidateRequest } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';

/** What one segment of a trajectory runs: its span, where it starts, and what it asks back. */
export interface SegmentSpec {
  /** The trajectory's origin noise (a resumed segment keeps its parent's). */
  readonly noise: NoiseRecipe;
  readonly from: number;
  readonly to: number;
  readonly parent?: CandidateRecord;
  readonly renoise?: NoiseRecipe;
  readonly sampler?: SamplerSpec;
}

/**
 * The request of one trajectory segment at the plan's steps: an unfinished one asks for its checkpoint
 * and an x̂₀ preview at `to`; one that reaches the end of the schedule is a final image.
 */
export function segmentRequest(session: GenerationSession, prompt: string, spec: SegmentSpec, round: number): CandidateRequest {
  const steps = session.plan.steps;
  const unfinished = spec.to < steps;
  return {
    prompt,
    noise: spec.noise,
    steps,
    phase: 'search',
    round,
    segment: {
      from: spec.from,
      to: spec.to,
      ...(spec.parent ? { parent: spec.parent } : {}),
      ...(spec.renoise ? { renoise: spec.renoise } : {}),
      ...(spec.sampler ? { sampler: spec.sampler } : {}),
      returnLatents: unfinished,
      preview: unfinished,
    },
  };
}

/**
 * The unfinished segments of a cohort that can go on (they returned a checkpoint), best preview reward
 * first (rewards aggregated over the cohort; unscored ones last, in order).
 */
export function rankByPreview(session: GenerationSession, cohort: readonly CandidateRecord[]): CandidateRecord[] {
  const rewards = session.previewRewardsOf(cohort);
  return cohort
    .filter((record) => record.latents !== undefined)
    .map((record) => ({ record, reward: rewards.get(record.id) ?? null }))
    .sort((a, b) => {
      if (a.reward === null || b.reward === null) return a.reward === null ? (b.reward === null ? a.record.index - b.record.index : 1) : -1;
      return b.reward - a.reward || a.record.index - b.record.index;
    })
    .map((entry) => entry.record);
}

/**
 * The largest count in [1, limit] whose planned cost fits `budget` (cost must not decrease with the
 * count), or 0 when not even one fits.
 */
export function largestAffordable(limit: number, budget: number, cost: (count: number) => number): number {
  let best = 0;
  for (let count = 1; count <= limit; count += 1) {
    if (cost(count) > budget) break;
    best = count;
  }
  return best;
}

/** Warns once when the plan's scorers do not say their preview scores mean anything (previews are scored by all of them). */
export function warnUnjudgedPreviews(session: GenerationSession, method: string): void {
  if (!session.previewsJudged) {
    session.warn(`${method} prunes on x̂₀ previews, and none of this request's scorers declares its preview scores meaningful; all of them judged the previews`);
  }
}

/**
 * How many of `count` segments over [from, to) still fit the budgets (retries may have spent NFEs the
 * plan counted on); segments reaching the end of the schedule are images too.
 */
export function fittingCount(session: GenerationSession, count: number, from: number, to: number): number {
  const cost = segmentNfe(from, to, session.plan.guidance);
  const byNfe = cost > 0 ? Math.floor(session.remainingNfe / cost) : count;
  const byImages = to >= session.plan.steps ? session.remaining : count;
  return Math.max(0, Math.min(count, byNfe, byImages));
}
