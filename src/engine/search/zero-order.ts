import type { NoiseRecipe } from '../../ports/index.js';
import type { CandidateRecord, CandidateRequest } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';
import type { TraceEntry } from '../generation-plan.js';
import { neighborRecipe, singleSeedRecipe } from '../noise/noise-recipes.js';
import { searchStop, type SearchInput, type SearchOutcome, type SearchStrategy } from './search-strategy.js';

/** Below this angle a shrinking search restarts from a fresh pivot instead (neighbours would be copies). */
export const MIN_NEIGHBOR_ANGLE = (0.5 * Math.PI) / 180;

/**
 * Zero-order search (Ma et al. 2025, "Inference-time scaling for diffusion models beyond scaling denoising
 * steps"): score N neighbours of a pivot noise at cosine c; move the pivot to the best neighbour when it
 * beats the pivot; when none does, draw a fresh pivot (`restart`) or halve the angle (`shrink`). Repeats
 * until the budget is spent. The answer is the best candidate seen, never the current pivot.
 */
export const zeroOrder: SearchStrategy = {
  method: 'zero_order',
  async run(session: GenerationSession, input: SearchInput): Promise<SearchOutcome> {
    const { search } = session.plan;
    const neighbors = Math.max(1, Math.floor(search.neighbors));
    const initialAngle = Math.acos(Math.min(1, Math.max(-1, search.cosine)));
    const trace: TraceEntry[] = [];
    const searched: CandidateRecord[] = [];
    let angle = initialAngle;
    let pivot: CandidateRecord | null = session.bestAmong(input.startingCandidates);
    let left = input.budget;
    let stop = searchStop(session, left);
    for (let step = 0; stop === null; step += 1) {
      const requests: CandidateRequest[] = [];
      const freshPivot = pivot === null;
      // retries may have spent NFEs the image count still allows
      const room = Math.min(left, session.affordableImages(input.steps, input.reserveNfe));
      if (room < 1) {
        stop = searchStop(session, 0) ?? 'budget';
        break;
      }
      const pivotNoise: NoiseRecipe = pivot ? pivot.request.noise : singleSeedRecipe(session.seeds.next('search'));
      if (freshPivot) requests.push(request(input, pivotNoise, step));
      const count = Math.min(neighbors, room - requests.length);
      for (let index = 0; index < count; index += 1) {
        requests.push(request(input, neighborRecipe(pivotNoise, angle, session.seeds.next('neighbor')), step));
      }
      const records = await session.evaluate(requests);
      left -= requests.length;
      searched.push(...records);
      if (records.length === 0) {
        stop = searchStop(session, left) ?? 'budget';
        break;
      }
      const pivotRecord = freshPivot ? (records[0] ?? null) : pivot;
      const neighborRecords = freshPivot ? records.slice(1) : records;
      const rewards = session.rewardsUpTo();
      const bestNeighbor = session.bestAmong(neighborRecords, rewards);
      const pivotReward = pivotRecord ? (rewards.get(pivotRecord.id) ?? null) : null;
      const neighborReward = bestNeighbor ? (rewards.get(bestNeighbor.id) ?? null) : null;
      let note: string;
      if (neighborReward !== null && (pivotReward === null || neighborReward > pivotReward)) {
        pivot = bestNeighbor;
        note = `pivot moved to ${bestNeighbor?.id}`;
      } else if (search.onStall === 'shrink' && angle / 2 >= MIN_NEIGHBOR_ANGLE) {
        pivot = pivotRecord && pivotReward !== null ? pivotRecord : null;
        angle /= 2;
        note = `stalled; angle shrunk to ${((angle * 180) / Math.PI).toFixed(2)}°`;
      } else {
        pivot = null;
        angle = initialAngle;
        note = 'stalled; restart from a fresh pivot';
      }
      const last = records[records.length - 1];
      trace.push(
        session.traceEntry({ phase: 'search', method: 'zero_order', round: step, note }, records, (last?.index ?? 0) + 1),
      );
      stop = searchStop(session, left);
    }
    return { trace, best: session.bestAmong([...input.startingCandidates, ...searched]), stop };
  },
};

function request(input: SearchInput, noise: NoiseRecipe, step: number): CandidateRequest {
  return { prompt: input.prompt, noise, steps: input.steps, phase: 'search', round: step };
}
