import type { CandidateRecord } from '../candidate-record.js';

/** What prompt optimization hands to search: the prompt to search with and its already scored images. */
export interface PromptOutcome {
  readonly prompt: string;
  readonly candidatesOfPrompt: readonly CandidateRecord[];
}
