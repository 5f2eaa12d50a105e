import { segmentNfe } from '../budget/nfe-cost.js';
import type { CandidateRecord } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';
import type { TraceEntry } from '../generation-plan.js';
import { singleSeedRecipe } from '../noise/noise-recipes.js';
import { searchStop, type SearchInput, type SearchOutcome, type SearchStrategy } from './search-strategy.js';
import { fittingCount, largestAffordable, rankByPreview, segmentRequest, warnUnjudgedPreviews } from './trajectory-segments.js';

/** Most paths kept per round when the budget decides (a cap on planning). */
const MAX_PATHS = 64;

/** One round of the search over paths: every kept path is re-noised from `start` back to `from`, `fanOut` times, and denoised to `to`. */
export interface PathRound {
  /** Position of the kept paths' latents. */
  readonly start: number;
  /** Position re-noised back to (start − Δf, at least 0). */
  readonly from: number;
  /** Position denoised to (from + Δb, at most steps). */
  readonly to: number;
}

/** The geometry of a search over paths: where it begins and its rounds until the schedule ends. */
export interface PathSchedule {
  readonly begin: number;
  readonly rounds: readonly PathRound[];
}

/** The rounds of a search over paths of `steps` steps beginning at `begin`, re-noising Δf and denoising Δb (> Δf) per round. */
export function pathSchedule(steps: number, begin: number, forward: number, backward: number): PathSchedule {
  const rounds: PathRound[] = [];
  let position = begin;
  while (position < steps) {
    const from = Math.max(0, position - forward);
    const to = Math.min(steps, from + backward);
    rounds.push({ start: position, from, to });
    position = to;
  }
  return { begin, rounds };
}

/** NFEs of `paths` paths with `fanOut` fresh noises each over a schedule. */
export function pathCost(schedule: PathSchedule, paths: number, fanOut: number, guidance: number): number {
  const begin = paths * segmentNfe(0, schedule.begin, guidance);
  return begin + schedule.rounds.reduce((sum, round) => sum + paths * fanOut * segmentNfe(round.from, round.to, guidance), 0);
}

/**
 * paths (Ma et al. 2025, "Inference-time scaling for diffusion models beyond scaling denoising steps",
 * search over paths): N noises are denoised to a noise level; each is re-noised forward by Δf with M
 * fresh noises and denoised back by Δb; the N best children by x̂₀ preview reward are kept; repeat until
 * the schedule ends, where the N·M children are final images and the best wins. N (when not given) is
 * the most the NFE budget affords; M is `neighbors`.
 */
export const paths: SearchStrategy = {
  method: 'paths',
  async run(session: GenerationSession, input: SearchInput): Promise<SearchOutcome> {
    const { plan } = session;
    const steps = plan.steps;
    const begin = Math.min(steps, Math.max(1, Math.round(plan.search.pathStart ?? steps / 2)));
    const forward = Math.max(1, Math.round(plan.search.pathForward ?? Math.max(1, steps / 10)));
    const backward = Math.max(forward + 1, Math.round(plan.search.pathBackward ?? 2 * forward));
    let schedule = pathSchedule(steps, begin, forward, backward);
    const asked = Math.max(1, Math.floor(plan.search.neighbors));
    const affordableWith = (fanOut: number): number =>
      largestAffordable(plan.search.paths ?? MAX_PATHS, session.remainingNfe, (count) =>
        count * (schedule.rounds.length === 0 ? 1 : fanOut) > session.remaining ? Number.POSITIVE_INFINITY : pathCost(schedule, count, fanOut, plan.guidance),
      );
    // fewer fresh noises per path when the budget cannot pay for one path with `neighbors` of them
    let fanOut = schedule.rounds.length === 0 ? 1 : asked;
    while (fanOut > 1 && affordableWith(fanOut) === 0) fanOut -= 1;
    let affordable = affordableWith(fanOut);
    if (affordable === 0 && schedule.rounds.length > 0) {
      // not even one path fits: whole images from noise (the search over paths degenerates to best-of-n)
      schedule = pathSchedule(steps, steps, forward, backward);
      fanOut = 1;
      affordable = affordableWith(1);
      session.warn(`paths: the budget cannot pay for one path from step ${begin}; ${affordable} whole images ran instead`);
    } else if (fanOut < asked && schedule.rounds.length > 0) {
      session.warn(`paths: ${asked} noises per path do not fit the budget; ${fanOut} per path ran`);
    }
    if (plan.search.paths !== undefined && affordable < plan.search.paths) {
      session.warn(`paths: ${plan.search.paths} paths with ${fanOut} noises each do not fit the budget; ${affordable} ran`);
    }
    const trace: TraceEntry[] = [];
    const finished: CandidateRecord[] = [];
    if (affordable >= 1 && schedule.rounds.length > 0) warnUnjudgedPreviews(session, 'paths');
    const start = schedule.begin;
    let stop = searchStop(session, affordable);
    if (stop === null) {
      const count = fittingCount(session, affordable, 0, start);
      const records = await session.evaluate(
        Array.from({ length: count }, () => segmentRequest(session, input.prompt, { noise: singleSeedRecipe(session.seeds.next('search')), from: 0, to: start }, 0)),
      );
      const last = records[records.length - 1];
      if (start >= steps) finished.push(...records);
      if (last) trace.push(session.traceEntry({ phase: 'search', method: 'paths', round: 0, note: `${records.length} paths denoised to step ${start} of ${steps}` }, records, last.index + 1));
      let kept = start >= steps ? [] : rankByPreview(session, records);
      for (let round = 0; round < schedule.rounds.length && kept.length > 0; round += 1) {
        stop = searchStop(session, 1);
        if (stop !== null) break;
        const { from, to } = schedule.rounds[round]!;
        const children = kept.flatMap((parent) =>
          Array.from({ length: fanOut }, () => ({ noise: parent.request.noise, from, to, parent, renoise: singleSeedRecipe(session.seeds.next('renoise')) })),
        );
        const fitting = children.slice(0, fittingCount(session, children.length, from, to));
        const made = await session.evaluate(fitting.map((spec) => segmentRequest(session, input.prompt, spec, round + 1)));
        session.releaseLatents(kept);
        const end = made[made.length - 1];
        if (!end) break;
        if (to >= steps) {
          finished.push(...made);
          trace.push(session.traceEntry({ phase: 'search', method: 'paths', round: round + 1, note: `${made.length} children of ${kept.length} paths finished` }, made, end.index + 1));
          kept = [];
          break;
        }
        const ranked = rankByPreview(session, made);
        kept = ranked.slice(0, affordable);
        session.releaseLatents(ranked.slice(affordable));
        trace.push(
          session.traceEntry(
            { phase: 'search', method: 'paths', round: round + 1, note: `re-noised ${from}←${schedule.rounds[round]!.start}, denoised to ${to}; kept the ${kept.length} best of ${made.length} by preview reward` },
            made,
            end.index + 1,
          ),
        );
      }
    }
    stop = searchStop(session, 0) ?? 'budget';
    return { trace, best: session.bestAmong([...input.startingCandidates, ...finished]), stop };
  },
};
