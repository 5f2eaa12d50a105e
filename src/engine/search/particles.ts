import { imageNfe } from '../budget/nfe-cost.js';
import type { CandidateRecord } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';
import type { TraceEntry } from '../generation-plan.js';
import { singleSeedRecipe } from '../noise/noise-recipes.js';
import { logPotential, resampleAncestors } from './particle-resampling.js';
import { searchStop, type SearchInput, type SearchOutcome, type SearchStrategy } from './search-strategy.js';
import { fittingCount, segmentRequest, warnUnjudgedPreviews } from './trajectory-segments.js';

/** Most particles when the budget decides. */
const MAX_PARTICLES = 16;

/** One particle: its latest segment and the raw preview rewards of its lineage. */
interface Particle {
  readonly record: CandidateRecord;
  readonly history: readonly number[];
}

/**
 * particles (FK steering, Singhal et al. 2025): K particles run the stochastic sampler (η > 0, a fresh
 * sampler seed per segment, so copies of one particle diverge) in lockstep; every `resample_every` steps
 * their x̂₀ previews are scored and the particles are resampled with weights exp(λ·h) from the potential
 * (max, difference or sum of the lineage's raw preview rewards); at the end every particle is a final
 * image and the best by final reward wins. K (when not given) is what the NFE budget affords, at most 16.
 */
export const particles: SearchStrategy = {
  method: 'particles',
  async run(session: GenerationSession, input: SearchInput): Promise<SearchOutcome> {
    const { plan } = session;
    const steps = plan.steps;
    const interval = Math.min(steps, Math.max(1, Math.round(plan.search.resampleEvery ?? Math.max(1, steps / 5))));
    const eta = Math.min(1, Math.max(0, plan.search.eta ?? 1));
    const lambda = plan.search.lambda ?? 10;
    const potential = plan.search.potential ?? 'max';
    const affordable = Math.min(session.remaining, Math.floor(session.remainingNfe / imageNfe(steps, plan.guidance)));
    const count = Math.min(plan.search.particles ?? MAX_PARTICLES, affordable);
    if (plan.search.particles !== undefined && count < plan.search.particles) {
      session.warn(`particles: ${plan.search.particles} particles do not fit the budget; ${count} ran`);
    }
    const trace: TraceEntry[] = [];
    const finished: CandidateRecord[] = [];
    if (count >= 2 && interval < steps) warnUnjudgedPreviews(session, 'particles');
    let alive: (Particle & { readonly noise: CandidateRecord['request']['noise'] })[] = [];
    let position = 0;
    let stop = searchStop(session, count);
    for (let round = 0; position < steps && stop === null; round += 1) {
      const to = Math.min(steps, position + interval);
      const size = fittingCount(session, round === 0 ? count : alive.length, position, to);
      const specs =
        round === 0
          ? Array.from({ length: size }, () => ({ noise: singleSeedRecipe(session.seeds.next('search')), history: [] as number[], parent: undefined }))
          : alive.slice(0, size).map((particle) => ({ noise: particle.noise, history: particle.history, parent: particle.record }));
      const records = await session.evaluate(
        specs.map((spec) =>
          segmentRequest(session, input.prompt, { noise: spec.noise, from: position, to, ...(spec.parent ? { parent: spec.parent } : {}), sampler: { eta, seed: session.seeds.next('sampler') } }, round),
        ),
      );
      session.releaseLatents(alive.map((particle) => particle.record));
      const last = records[records.length - 1];
      if (!last) break;
      if (to >= steps) {
        finished.push(...records);
        trace.push(session.traceEntry({ phase: 'search', method: 'particles', round, note: `${records.length} particles finished from step ${position}` }, records, last.index + 1));
        break;
      }
      const stepped = records
        .map((record, index) => ({ record, noise: specs[index]!.noise, history: [...specs[index]!.history, session.previewRawScore(record) ?? Number.NaN] }))
        .filter((particle) => particle.record.latents !== undefined);
      if (stepped.length === 0) break;
      const logWeights = stepped.map((particle) => (particle.history.some(Number.isNaN) ? Number.NEGATIVE_INFINITY : logPotential(potential, lambda, particle.history)));
      const ancestors = resampleAncestors(logWeights, stepped.length, plan.seed, round);
      alive = ancestors.map((index) => stepped[index]!);
      const survivors = new Set(alive.map((particle) => particle.record));
      session.releaseLatents(stepped.map((particle) => particle.record).filter((record) => !survivors.has(record)));
      trace.push(
        session.traceEntry(
          { phase: 'search', method: 'particles', round, note: `${records.length} particles to step ${to} of ${steps}; resampled (${potential} potential, λ=${lambda}): ${survivors.size} distinct kept` },
          records,
          last.index + 1,
        ),
      );
      position = to;
      stop = searchStop(session, 1);
    }
    stop = searchStop(session, 0) ?? 'budget';
    return { trace, best: session.bestAmong([...input.startingCandidates, ...finished]), stop };
  },
};
