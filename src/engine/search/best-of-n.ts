import type { CandidateRecord } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';
import type { TraceEntry } from '../generation-plan.js';
import { singleSeedRecipe } from '../noise/noise-recipes.js';
import { searchStop, type SearchInput, type SearchOutcome, type SearchStrategy } from './search-strategy.js';

/**
 * Best-of-n: n independent single-seed noises, the best by aggregated reward. Without a threshold every
 * image is requested at once (the fan-out overlaps generation and scoring); with one, images go in waves
 * of maxBatchSize × maxConcurrency and the search ends after the wave that reaches it (reproducible).
 */
export const bestOfN: SearchStrategy = {
  method: 'best_of_n',
  async run(session: GenerationSession, input: SearchInput): Promise<SearchOutcome> {
    const { generator } = session.deps;
    const batchSize = Math.max(1, generator.maxBatchSize);
    const waveSize =
      session.plan.search.threshold === undefined ? input.budget : batchSize * Math.max(1, generator.maxConcurrency);
    const trace: TraceEntry[] = [];
    const searched: CandidateRecord[] = [];
    let left = input.budget;
    let stop = searchStop(session, left);
    while (stop === null) {
      const size = Math.min(waveSize, left, session.affordableImages(input.steps, input.reserveNfe));
      const records = await session.evaluate(
        Array.from({ length: size }, () => ({
          prompt: input.prompt,
          noise: singleSeedRecipe(session.seeds.next('search')),
          steps: input.steps,
          phase: 'search' as const,
          round: 0,
        })),
      );
      left -= size;
      searched.push(...records);
      for (let start = 0; start < records.length; start += batchSize) {
        const batch = records.slice(start, start + batchSize);
        const last = batch[batch.length - 1];
        if (last) trace.push(session.traceEntry({ phase: 'search', method: 'best_of_n', round: trace.length }, batch, last.index + 1));
      }
      stop = searchStop(session, left);
      if (records.length === 0 && stop === null) stop = 'budget';
    }
    return { trace, best: session.bestAmong([...input.startingCandidates, ...searched]), stop };
  },
};
