import type { Candidate, CandidatePhase, LatentCheckpoint, NoiseRecipe, SamplerSpec, ScoreDetail, Scores } from '../ports/index.js';

/** What a strategy asks the engine to generate and score. */
export interface CandidateRequest {
  readonly prompt: string;
  /** The trajectory's origin noise (kept when it resumes a parent). */
  readonly noise: NoiseRecipe;
  /** The schedule's length (the final image's steps). */
  readonly steps: number;
  readonly phase: CandidatePhase;
  readonly round: number;
  /** Run only part of the schedule, or resume a parent (generator v2); absent: the whole schedule from the noise. */
  readonly segment?: SegmentRequest;
}

/** Which part of its schedule a candidate runs, and from what (generator v2). */
export interface SegmentRequest {
  readonly from: number;
  readonly to: number;
  /** The candidate whose checkpoint it resumes (its latent at `from`, or later with `renoise`). */
  readonly parent?: CandidateRecord;
  /** Re-noise the parent's latent back to `from` with this noise first. */
  readonly renoise?: NoiseRecipe;
  readonly sampler?: SamplerSpec;
  /** Ask for the latent at `to` (to resume it later). */
  readonly returnLatents: boolean;
  /** Ask for an x̂₀ preview at `to` (scored by the scorers that judge previews). */
  readonly preview: boolean;
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
  /** The checkpoint the generator returned (kept in memory to resume; released when no longer needed). */
  latents?: LatentCheckpoint;
  /** Characters of the checkpoint it returned (kept after the checkpoint is released). */
  checkpointChars?: number;
  /** Raw preview scores per scorer model (segments that stopped early). */
  previewScores?: Scores;
}

/** Whether a request ends its schedule (a final image) rather than stopping part-way (a preview or a checkpoint). */
export function endsSchedule(request: CandidateRequest): boolean {
  return request.segment === undefined || request.segment.to >= request.steps;
}

/** Schedule positions a request runs. */
export function requestSpan(request: CandidateRequest): { from: number; to: number } {
  return request.segment ? { from: request.segment.from, to: request.segment.to } : { from: 0, to: request.steps };
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

/** What a request's image is made of: its prompt, noise and steps with the request's shared settings. */
export function imageFieldsOf(
  request: CandidateRequest,
  settings: { readonly negativePrompt?: string; readonly guidance: number; readonly width: number; readonly height: number },
): { prompt: string; negativePrompt?: string; noise: NoiseRecipe; steps: number; guidance: number; width: number; height: number } {
  return {
    prompt: request.prompt,
    ...(settings.negativePrompt !== undefined ? { negativePrompt: settings.negativePrompt } : {}),
    noise: request.noise,
    steps: request.steps,
    guidance: settings.guidance,
    width: settings.width,
    height: settings.height,
  };
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
    ...imageFieldsOf(request, settings),
    phase: request.phase,
    round: request.round,
    scores: { ...record.scores },
    ...(Object.keys(record.details).length > 0 ? { details: { ...record.details } } : {}),
    reward: record.status === 'scored' ? reward : null,
    ...(record.mediaType !== undefined ? { mediaType: record.mediaType } : {}),
    ...(record.url !== undefined ? { url: record.url } : {}),
    nfe: record.nfe,
    ...(request.segment ? { segment: segmentOf(record, request.segment) } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
  };
}

function segmentOf(record: CandidateRecord, segment: SegmentRequest): NonNullable<Candidate['segment']> {
  return {
    from: segment.from,
    to: segment.to,
    ...(segment.parent ? { parentId: segment.parent.id } : {}),
    ...(segment.renoise ? { renoise: segment.renoise } : {}),
    ...(segment.sampler && segment.sampler.eta > 0 ? { sampler: segment.sampler } : {}),
    ...(record.previewScores && Object.keys(record.previewScores).length > 0 ? { previewScores: { ...record.previewScores } } : {}),
    ...(record.checkpointChars !== undefined ? { checkpointChars: record.checkpointChars } : {}),
  };
}
