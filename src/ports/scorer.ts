import type { ImageRef } from './image-ref.js';
import type { Warning } from './warning.js';

/** One (prompt, image) pair to score. */
export interface ScoreItem {
  readonly prompt: string;
  readonly image: ImageRef;
}

/** Options of one scorer call: a batch of at most `maxBatchSize` items. */
export interface ScoreOptions {
  readonly items: readonly ScoreItem[];
  readonly abortSignal?: AbortSignal;
}

/** Per-item explanation a scorer may give beside its number (e.g. a verifier's failed constraints). */
export interface ScoreDetail {
  /** Constraints of the prompt that did not hold, in words ("2 dogs (found 1)"). */
  readonly failed?: readonly string[];
  /** Constraints that held. */
  readonly passed?: readonly string[];
  /** Why the scorer gave no score for this item (its score is null): it cannot judge this prompt or image. */
  readonly abstained?: string;
}

/**
 * What a scorer returns: one score per item, in order; higher is better. A `null` score is an
 * abstention (the scorer cannot judge that item, e.g. a verifier that cannot parse the prompt); its
 * detail's `abstained` says why. Abstentions never count as a low score.
 */
export interface ScoreResult {
  readonly scores: readonly (number | null)[];
  readonly details?: readonly (ScoreDetail | undefined)[];
  readonly warnings: readonly Warning[];
  readonly response: { readonly modelId: string };
}

/**
 * Reward model port (v1): sees only the prompt and the image bytes.
 * Adapters: reference (pixel-level CPU scorers), sagemaker (PickScore, HPSv2, … on GPU).
 */
export interface ScorerV1 {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  /** The model name requests use (`geneval`, `aesthetic`, `pickscore`, …). */
  readonly modelId: string;
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  /** Nominal score range, for documentation and the models listing. */
  readonly range?: { readonly min: number; readonly max: number };
  /**
   * Optional capability: its scores of low-resolution x̂₀ previews (unfinished trajectories, see
   * GeneratorV2) track its scores of the finished images, so preview-based search may prune on them.
   * Scorers without it are not asked about previews.
   */
  readonly judgesPreviews?: boolean;
  doScore(options: ScoreOptions): Promise<ScoreResult>;
}
