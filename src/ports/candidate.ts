import type { NoiseRecipe } from './noise-recipe.js';
import type { SamplerSpec } from './sampler.js';
import type { ScoreDetail } from './scorer.js';

/** Scores of one image, keyed by scorer model id (`{geneval: 0.5, aesthetic: 6.1}`). */
export type Scores = Record<string, number>;

/** Why a candidate is in the record: judging a prompt, searching noises, or the final full-step image. */
export type CandidatePhase = 'prompt' | 'search' | 'final';

/** One generated (or failed) image of a request, with everything needed to reproduce and judge it. */
export interface Candidate {
  /** Unique within its generation (`c000`, `c001`, …). */
  readonly id: string;
  /** `pending` while it is generated or scored (in a running record), then `scored` or `failed`. */
  readonly status: 'pending' | 'scored' | 'failed';
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly noise: NoiseRecipe;
  readonly steps: number;
  readonly guidance: number;
  readonly width: number;
  readonly height: number;
  readonly phase: CandidatePhase;
  /** Prompt-optimization round or search step that produced it. */
  readonly round: number;
  /** Raw score per scorer model. */
  readonly scores: Scores;
  /** Scorer explanations, per scorer model, where a scorer gave one. */
  readonly details?: Record<string, ScoreDetail>;
  /** Aggregated reward within this request; null when the candidate failed, is pending, or no scorer could judge it. */
  readonly reward: number | null;
  readonly mediaType?: string;
  /** Where the image bytes can be fetched (set once stored). */
  readonly url?: string;
  readonly nfe: number;
  /** Set when the candidate ran only part of its schedule or resumed another's checkpoint (generator v2). */
  readonly segment?: CandidateSegment;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * A candidate that is one segment of a trajectory: it ran schedule positions [from, to) of its `steps`,
 * from its noise (no parent) or from the checkpoint its parent returned. When to < steps its image is
 * an x̂₀ preview and its scores are `previewScores` (its `scores` stay empty and its reward null: a
 * preview never counts as a final image). Following parents back reproduces the trajectory exactly.
 */
export interface CandidateSegment {
  readonly from: number;
  readonly to: number;
  /** Id of the candidate whose checkpoint it resumed. */
  readonly parentId?: string;
  /** The noise its parent's latent was re-noised with before it ran (search over paths). */
  readonly renoise?: NoiseRecipe;
  /** The stochastic sampler it ran with (absent: deterministic DDIM). */
  readonly sampler?: SamplerSpec;
  /** Raw preview scores per scorer model (only scorers that judge previews). */
  readonly previewScores?: Scores;
  /** Size in characters of the checkpoint it returned (what resuming it moves over the network). */
  readonly checkpointChars?: number;
}
