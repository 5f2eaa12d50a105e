import type { EngineResult, TraceEntry, Usage } from '../engine/generation-plan.js';
import type { Candidate } from '../ports/candidate.js';
import type { CandidateRecord, GenerationRecord } from './schemas/generation-record.js';

/** A candidate in the record's snake_case wire shape. */
export function toCandidateRecord(candidate: Candidate): CandidateRecord {
  return {
    id: candidate.id,
    status: candidate.status,
    prompt: candidate.prompt,
    ...(candidate.negativePrompt !== undefined ? { negative_prompt: candidate.negativePrompt } : {}),
    noise: { terms: candidate.noise.terms.map((term) => ({ seed: term.seed, weight: term.weight })) },
    steps: candidate.steps,
    guidance: candidate.guidance,
    width: candidate.width,
    height: candidate.height,
    phase: candidate.phase,
    round: candidate.round,
    scores: { ...candidate.scores },
    ...(candidate.details ? { details: toDetails(candidate.details) } : {}),
    reward: candidate.reward,
    nfe: candidate.nfe,
    ...(candidate.segment ? { segment: toSegmentRecord(candidate.segment) } : {}),
    ...(candidate.mediaType ? { media_type: candidate.mediaType } : {}),
    ...(candidate.url ? { url: candidate.url } : {}),
    ...(candidate.error ? { error: { code: candidate.error.code, message: candidate.error.message } } : {}),
  };
}

function toSegmentRecord(segment: NonNullable<Candidate['segment']>): NonNullable<CandidateRecord['segment']> {
  return {
    from: segment.from,
    to: segment.to,
    ...(segment.parentId !== undefined ? { parent_id: segment.parentId } : {}),
    ...(segment.renoise ? { renoise: { terms: segment.renoise.terms.map((term) => ({ seed: term.seed, weight: term.weight })) } } : {}),
    ...(segment.sampler ? { sampler: { eta: segment.sampler.eta, seed: segment.sampler.seed } } : {}),
    ...(segment.previewScores ? { preview_scores: { ...segment.previewScores } } : {}),
    ...(segment.checkpointChars !== undefined ? { checkpoint_chars: segment.checkpointChars } : {}),
  };
}

function toDetails(details: NonNullable<Candidate['details']>): NonNullable<CandidateRecord['details']> {
  const out: NonNullable<CandidateRecord['details']> = {};
  for (const [model, detail] of Object.entries(details)) {
    out[model] = {
      ...(detail.failed ? { failed: [...detail.failed] } : {}),
      ...(detail.passed ? { passed: [...detail.passed] } : {}),
      ...(detail.abstained ? { abstained: detail.abstained } : {}),
    };
  }
  return out;
}

function toTraceRecord(entry: TraceEntry): GenerationRecord['trace'][number] {
  return {
    phase: entry.phase,
    method: entry.method,
    round: entry.round,
    candidate_ids: [...entry.candidateIds],
    best_candidate_id: entry.bestCandidateId,
    best_reward: entry.bestReward,
    ...(entry.note !== undefined ? { note: entry.note } : {}),
    ...(entry.prompts ? { prompts: entry.prompts.map((prompt) => ({ ...prompt })) } : {}),
  };
}

function toUsageRecord(usage: Usage): NonNullable<GenerationRecord['usage']> {
  return {
    images: usage.images,
    prompt_images: usage.promptImages,
    search_images: usage.searchImages,
    final_images: usage.finalImages,
    nfe: usage.nfe,
    prompt_nfe: usage.promptNfe,
    search_nfe: usage.searchNfe,
    final_nfe: usage.finalNfe,
    previews: usage.previews,
    failed_nfe: usage.failedNfe,
    calls: { ...usage.calls },
    ms: { ...usage.ms },
  };
}

/** The fields of a record that the engine's result fills. */
export function resultFields(
  result: EngineResult,
): Pick<GenerationRecord, 'final_prompt' | 'best' | 'images' | 'candidates' | 'trace' | 'usage' | 'truncated' | 'stop_reason' | 'warnings'> {
  return {
    final_prompt: result.finalPrompt,
    best: result.best ? toCandidateRecord(result.best) : null,
    images: result.images.map(toCandidateRecord),
    candidates: result.candidates.map(toCandidateRecord),
    trace: result.trace.map(toTraceRecord),
    usage: toUsageRecord(result.usage),
    truncated: result.truncated,
    stop_reason: result.stopReason,
    warnings: [...result.warnings],
  };
}
