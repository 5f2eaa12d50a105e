import type { CandidateRecord } from '../candidate-record.js';
import type { GenerationSession } from '../generation-session.js';
import type { SearchMethod, TraceEntry } from '../generation-plan.js';

/** What a search is asked to do: which prompt, how many images, at how many steps, from which scored images. */
export interface SearchInput {
  readonly prompt: string;
  /** Images the search may generate (the final reserve and prompt judging already taken out). */
  readonly budget: number;
  readonly steps: number;
  /** NFEs kept for regenerating the winner after search (v1 strategies leave them). */
  readonly reserveNfe: number;
  /** Already scored images of this prompt (prompt judging): zero-order may start from the best of them. */
  readonly startingCandidates: readonly CandidateRecord[];
}

/** Why a search ended. */
export type SearchStop = 'budget' | 'threshold' | 'stopped';

/** A search's result: its trace (one entry per step) and its best candidate. */
export interface SearchOutcome {
  readonly trace: readonly TraceEntry[];
  readonly best: CandidateRecord | null;
  readonly stop: SearchStop;
}

/**
 * A noise-search strategy: spends at most `input.budget` images (v1 strategies) or what is left of the
 * request's NFEs (compute-aware ones) through `session.evaluate`, planning every call before it starts.
 */
export interface SearchStrategy {
  readonly method: SearchMethod;
  run(session: GenerationSession, input: SearchInput): Promise<SearchOutcome>;
}

/** Why the loop of a search should end now, or null to go on. */
export function searchStop(session: GenerationSession, left: number): SearchStop | null {
  if (session.stopped()) return 'stopped';
  if (session.thresholdReached()) return 'threshold';
  if (left <= 0) return 'budget';
  return null;
}
