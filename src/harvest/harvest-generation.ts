import type { NoiseRecipe } from '../ports/noise-recipe.js';

/** A candidate of a stored generation, with what the datasets record of it. */
export interface HarvestCandidate {
  readonly id: string;
  readonly status: string;
  /** The prompt this image was generated from (its final prompt). */
  readonly prompt: string;
  readonly noise: NoiseRecipe;
  readonly steps: number;
  readonly guidance: number;
  readonly phase: string;
  readonly scores: Readonly<Record<string, number>>;
  readonly reward: number | null;
  readonly mediaType: string;
}

/** A stored generation as the harvest reads it (from `record.json`). */
export interface HarvestGeneration {
  readonly id: string;
  /** The prompt as the user sent it (the dataset caption). */
  readonly prompt: string;
  readonly finalPrompt: string | null;
  /** `metadata.app_user`, the pseudonymous user the generation was made for. */
  readonly appUser: string | null;
  readonly createdAt: string;
  readonly candidates: readonly HarvestCandidate[];
}

/** Whether a candidate has an image to learn from (it did not fail). */
export function hasImage(candidate: HarvestCandidate): boolean {
  return candidate.status !== 'failed';
}

/** Whether a candidate was judged by the reward models (AI feedback and rankings use only these). */
export function isScored(candidate: HarvestCandidate): candidate is HarvestCandidate & { readonly reward: number } {
  return candidate.status === 'scored' && typeof candidate.reward === 'number' && Number.isFinite(candidate.reward);
}

/**
 * Reads a stored `record.json` document (a `GenerationRecord` plus `event_log`/`owner`, which are ignored).
 * Tolerant: a field of the wrong type gets a neutral value, and a document without an id or candidates
 * list is not a generation (null).
 */
export function toHarvestGeneration(document: unknown): HarvestGeneration | null {
  if (!isObject(document) || typeof document.id !== 'string' || !Array.isArray(document.candidates)) return null;
  const metadata = isObject(document.metadata) ? document.metadata : {};
  return {
    id: document.id,
    prompt: text(document.prompt) ?? '',
    finalPrompt: text(document.final_prompt),
    appUser: text(metadata.app_user),
    createdAt: text(document.created_at) ?? '',
    candidates: document.candidates.filter(isObject).flatMap((candidate) => {
      const id = text(candidate.id);
      if (id === null) return [];
      return [
        {
          id,
          status: text(candidate.status) ?? 'failed',
          prompt: text(candidate.prompt) ?? '',
          noise: noiseOf(candidate.noise),
          steps: numberOr(candidate.steps, 0),
          guidance: numberOr(candidate.guidance, 0),
          phase: text(candidate.phase) ?? '',
          scores: scoresOf(candidate.scores),
          reward: typeof candidate.reward === 'number' && Number.isFinite(candidate.reward) ? candidate.reward : null,
          mediaType: text(candidate.media_type) ?? 'image/png',
        },
      ];
    }),
  };
}

function noiseOf(value: unknown): NoiseRecipe {
  if (!isObject(value) || !Array.isArray(value.terms)) return { terms: [] };
  return {
    terms: value.terms.filter(isObject).map((term) => ({ seed: numberOr(term.seed, 0), weight: numberOr(term.weight, 0) })),
  };
}

function scoresOf(value: unknown): Record<string, number> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1])));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
