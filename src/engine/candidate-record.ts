import type { Candidate, CandidatePhase, NoiseRecipe, ScoreDetail, Scores } from '../ports/index.js';

/** What a strategy asks the engine to generate and score. */
export interface CandidateRequest {
  readonly prompt: string;
  readonly noise: NoiseRecipe;
  readonly steps: number;
  readonly phase: CandidatePhase;
  readonly round: number;
}

/** Where a candidate is in its life: generating/scoring, scored, or failed. */
export type CandidateStatus = 'pending' | 'scored' | 'failed';

/** The engine's mutable working copy of a candidate; becomes a readonly `Candidate` in events and the record. */
export interface CandidateRecord {
  /** Position in creation order (`c000` is 0). */
  readonly index: number;
  readonly id: string;
  readonly request: CandidateRequest;
  status: CandidateStatus;
  /** Whether its batch reached the generator (records never sent, cut by a deadline, are dropped from the result). */
  dispatched: boolean;
  scores: Scores;
  details: Record<string, ScoreDetail>;
  mediaType?: string;
  url?: string;
  nfe: number;
  error?: { readonly code: string; readonly message: string };
}

/** Candidate id of the index-th candidate of a request: `c000`, `c001`, … (more digits past 999). */
export function candidateId(index: number): string {
  return `c${String(index).padStart(3, '0')}`;
}

/** Marks a record failed, keeping the first error. */
export function failRecord(record: CandidateRecord, error: { readonly code: string; readonly message: string }): void {
  if (record.status === 'failed') return;
  record.status = 'failed';
  record.error = error;
}

/** The readonly Candidate of a record with its current aggregated reward. */
export function toCandidate(
  record: CandidateRecord,
  reward: number | null,
  settings: { readonly negativePrompt?: string; readonly guidance: number; readonly width: number; readonly height: number },
): Candidate {
  const { request } = record;
  return {
    id: record.id,
    status: record.status,
    prompt: request.prompt,
    ...(settings.negativePrompt !== undefined ? { negativePrompt: settings.negativePrompt } : {}),
    noise: request.noise,
    steps: request.steps,
    guidance: settings.guidance,
    width: settings.width,
    height: settings.height,
    phase: request.phase,
    round: request.round,
    scores: { ...record.scores },
    ...(Object.keys(record.details).length > 0 ? { details: { ...record.details } } : {}),
    reward: record.status === 'scored' ? reward : null,
    ...(record.mediaType !== undefined ? { mediaType: record.mediaType } : {}),
    ...(record.url !== undefined ? { url: record.url } : {}),
    nfe: record.nfe,
    ...(record.error !== undefined ? { error: record.error } : {}),
  };
}
