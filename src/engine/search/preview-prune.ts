import { segmentNfe } from '../budget/nfe-cost.js';
import type { CandidateRecord } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';
import type { TraceEntry } from '../generation-plan.js';
import { singleSeedRecipe } from '../noise/noise-recipes.js';
import { searchStop, type SearchInput, type SearchOutcome, type SearchStrategy } from './search-strategy.js';
import { fittingCount, largestAffordable, rankByPreview, segmentRequest, warnUnjudgedPreviews } from './trajectory-segments.js';

/** Most noises preview_prune starts (a cap on planning, far above what budgets allow). */
const MAX_NOISES = 1024;

/** One stage of successive halving: `count` trajectories run from `from` to `to`. */
export interface HalvingStage {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/**
 * The stages of successive halving over `noises` trajectories: every one runs to `first`, each preview
 * keeps ceil(keep · count) (at least 1) until one is left, and that one is finished to `steps`. The
 * previews sit at positions spaced geometrically from `first` to `steps − 1` (more steps for fewer
 * trajectories, about equal NFEs per stage); when the schedule has too few positions for every halving,
 * the last stage finishes the few that are left.
 */
export function halvingStages(noises: number, first: number, keep: number, steps: number): HalvingStage[] {
  const counts = [Math.max(1, noises)];
  while (counts[counts.length - 1]! > 1) {
    const next = Math.max(1, Math.ceil(counts[counts.length - 1]! * keep));
    if (next === counts[counts.length - 1]) break;
    counts.push(next);
  }
  // counts[r] trajectories run to the r-th preview; the last count is finished
  const previews = counts.length - 1;
  const last = steps - 1;
  const positions: number[] = [];
  for (let index = 0; index < previews; index += 1) {
    const ideal = previews === 1 || first >= last ? first : first * (last / first) ** (index / (previews - 1));
    const position = Math.max(Math.round(ideal), (positions[positions.length - 1] ?? 0) + 1);
    if (position > last) break;
    positions.push(position);
  }
  const stages: HalvingStage[] = [];
  let from = 0;
  positions.forEach((position, index) => {
    stages.push({ from, to: position, count: counts[index]! });
    from = position;
  });
  stages.push({ from, to: steps, count: counts[positions.length]! });
  return stages;
}

/** NFEs of a halving schedule at a guidance scale. */
export function halvingCost(stages: readonly HalvingStage[], guidance: number): number {
  return stages.reduce((sum, stage) => sum + stage.count * segmentNfe(stage.from, stage.to, guidance), 0);
}

/**
 * preview_prune: successive halving over initial noises (in the spirit of SES's cheap previews). Many
 * noises are denoised to an early step; their x̂₀ previews are scored by the scorers that judge previews;
 * the best `keep` share goes on from its checkpoints to a later step, and so on until one is left,
 * which is finished. As many noises start as the NFE budget affords for the whole schedule, planned
 * before the first call.
 */
export const previewPrune: SearchStrategy = {
  method: 'preview_prune',
  async run(session: GenerationSession, input: SearchInput): Promise<SearchOutcome> {
    const { plan } = session;
    const steps = plan.steps;
    const first = Math.min(steps, Math.max(1, Math.round(plan.search.previewSteps ?? steps / 4)));
    // a single noise needs no preview: it runs straight to the end
    const keep = Math.min(1, Math.max(0.01, plan.search.keep ?? 0.5));
    const costOf = (noises: number): number => halvingCost(halvingStages(noises, first, keep, steps), plan.guidance);
    const finalsOf = (noises: number): number => halvingStages(noises, first, keep, steps).at(-1)?.count ?? 0;
    const noises = largestAffordable(MAX_NOISES, session.remainingNfe, (count) => (finalsOf(count) > session.remaining ? Number.POSITIVE_INFINITY : costOf(count)));
    const trace: TraceEntry[] = [];
    const finished: CandidateRecord[] = [];
    if (noises >= 2) warnUnjudgedPreviews(session, 'preview_prune');
    let stop = searchStop(session, noises);
    let alive: CandidateRecord[] = [];
    const stages = halvingStages(Math.max(1, noises), first, keep, steps);
    for (let round = 0; round < stages.length && stop === null; round += 1) {
      const stage = stages[round]!;
      const count = fittingCount(session, stage.count, stage.from, stage.to);
      const requests =
        round === 0
          ? Array.from({ length: count }, () => segmentRequest(session, input.prompt, { noise: singleSeedRecipe(session.seeds.next('search')), from: 0, to: stage.to }, round))
          : alive.slice(0, count).map((parent) => segmentRequest(session, input.prompt, { noise: parent.request.noise, from: stage.from, to: stage.to, parent }, round));
      const records = await session.evaluate(requests);
      if (records.length === 0) break;
      session.releaseLatents(alive);
      const last = records[records.length - 1];
      if (stage.to >= steps) {
        finished.push(...records);
        trace.push(session.traceEntry({ phase: 'search', method: 'preview_prune', round, note: `${records.length} finished from step ${stage.from}` }, records, (last?.index ?? 0) + 1));
        break;
      }
      alive = rankByPreview(session, records);
      const next = stages[round + 1]?.count ?? 0;
      session.releaseLatents(alive.slice(next));
      trace.push(
        session.traceEntry(
          { phase: 'search', method: 'preview_prune', round, note: `${records.length} trajectories to step ${stage.to} of ${steps}; kept ${Math.min(next, alive.length)} by preview reward` },
          records,
          (last?.index ?? 0) + 1,
        ),
      );
      if (alive.length === 0) break;
      stop = searchStop(session, 1);
    }
    stop = searchStop(session, 0) ?? 'budget';
    return { trace, best: session.bestAmong([...input.startingCandidates, ...finished]), stop };
  },
};
