import { extensionForMediaType } from '../records/generation-layout.js';
import type { HarvestCandidate, HarvestGeneration } from './harvest-generation.js';
import type { KtoLabel } from './kto-labels.js';
import type { ListwiseRanking } from './listwise-ranking.js';
import type { PreferencePair } from './preference-pairs.js';
import { rankingNumericId, userNumericId } from './stable-id.js';

/** The uid of a candidate image in every dataset (`image_0_uid`, KTO file names): `<generation id>-<candidate id>`. */
export function imageUid(generationId: string, candidateId: string): string {
  return `${generationId}-${candidateId}`;
}

/** Where a KTO image lives, relative to `kto/` (the `file_name` the trainer joins onto its data dir). */
export function ktoImagePath(generationId: string, candidate: HarvestCandidate): string {
  return `images/${imageUid(generationId, candidate.id)}.${extensionForMediaType(candidate.mediaType)}`;
}

/** A noise recipe as JSON text (`{"terms":[{"seed":…,"weight":…}]}`), the wire form. */
export function noiseJson(candidate: HarvestCandidate): string {
  return JSON.stringify({ terms: candidate.noise.terms.map((term) => ({ seed: term.seed, weight: term.weight })) });
}

/**
 * A preference pair in the Pick-a-Pic v2 layout plus provenance, without the image bytes (the writer joins
 * them in by uid). image_0 is the candidate with the smaller id; the preferred image gets label 1.0.
 */
export function preferenceRow(pair: PreferencePair, generation: HarvestGeneration, candidates: ReadonlyMap<string, HarvestCandidate>): Record<string, unknown> {
  const [first, second] = pair.preferred < pair.rejected ? [pair.preferred, pair.rejected] : [pair.rejected, pair.preferred];
  const image0 = candidates.get(first)!;
  const image1 = candidates.get(second)!;
  const preferredFirst = first === pair.preferred;
  return {
    caption: generation.prompt,
    label_0: preferredFirst ? 1 : 0,
    label_1: preferredFirst ? 0 : 1,
    best_image_uid: imageUid(generation.id, pair.preferred),
    image_0_uid: imageUid(generation.id, first),
    image_1_uid: imageUid(generation.id, second),
    user_id: userNumericId(pair.appUser),
    ranking_id: rankingNumericId(generation.id, pair.appUser, pair.aiFeedback),
    created_at: new Date(pair.decidedAt).toISOString(),
    generation_id: generation.id,
    candidate_id_0: first,
    candidate_id_1: second,
    app_user: pair.appUser,
    signal: pair.signal,
    weight: pair.weight,
    ai_feedback: pair.aiFeedback,
    event_ids: pair.eventIds,
    ...perImage(image0, '0'),
    ...perImage(image1, '1'),
  };
}

/** The per-image provenance columns, suffixed `_0` / `_1` as Pick-a-Pic suffixes its per-image columns. */
function perImage(candidate: HarvestCandidate, suffix: '0' | '1'): Record<string, unknown> {
  return {
    [`reward_${suffix}`]: candidate.reward,
    [`noise_${suffix}`]: candidate.noise.terms,
    [`noise_json_${suffix}`]: noiseJson(candidate),
    [`steps_${suffix}`]: candidate.steps,
    [`guidance_${suffix}`]: candidate.guidance,
    [`final_prompt_${suffix}`]: candidate.prompt,
  };
}

/** A row of the Diffusion-KTO csv (`file_name`, `caption`, `label`, `split`, plus provenance). */
export function ktoRow(label: KtoLabel, generation: HarvestGeneration, candidate: HarvestCandidate): Record<string, unknown> {
  const path = ktoImagePath(generation.id, candidate);
  return {
    file_name: path,
    file_path: path,
    caption: generation.prompt,
    label: label.label,
    split: label.split,
    generation_id: generation.id,
    candidate_id: candidate.id,
    wins: label.wins,
    losses: label.losses,
    final_prompt: candidate.prompt,
    noise_json: noiseJson(candidate),
    steps: candidate.steps,
    guidance: candidate.guidance,
  };
}

/** A listwise ranking row: one generation, its scored candidates in reward order as parallel lists. */
export function rankingRow(ranking: ListwiseRanking, generation: HarvestGeneration): Record<string, unknown> {
  const candidates = ranking.candidates;
  return {
    generation_id: generation.id,
    ranking_id: rankingNumericId(generation.id, null, true),
    caption: generation.prompt,
    final_prompt: generation.finalPrompt,
    user_id: userNumericId(generation.appUser),
    app_user: generation.appUser,
    created_at: generation.createdAt,
    candidate_ids: candidates.map((candidate) => candidate.id),
    image_uids: candidates.map((candidate) => imageUid(generation.id, candidate.id)),
    rewards: candidates.map((candidate) => candidate.reward),
    scores: candidates.map((candidate) => candidate.scores),
    noise_json: candidates.map(noiseJson),
    steps: candidates.map((candidate) => candidate.steps),
    guidance: candidates.map((candidate) => candidate.guidance),
    final_prompts: candidates.map((candidate) => candidate.prompt),
    phases: candidates.map((candidate) => candidate.phase),
  };
}
