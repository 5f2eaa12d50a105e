import { AbortedError } from '../../ports/errors.js';
import type { ScoreDetail, ScoreOptions, ScoreResult, ScorerV1 } from '../../ports/scorer.js';
import type { Warning } from '../../ports/warning.js';
import { imageBytes } from './image-input.js';
import type { FetchFunction } from './image-input.js';

/** Settings every reference scorer takes. */
export interface ReferenceScorerConfig {
  /** Used for `url` images; defaults to the global fetch. */
  readonly fetch?: FetchFunction;
}

/** One item's outcome from a subclass: a score, or an abstention (null) whose detail says why. */
export type ItemScore =
  | { readonly score: number; readonly detail?: ScoreDetail; readonly warnings?: readonly Warning[] }
  | { readonly score: null; readonly detail: ScoreDetail & { readonly abstained: string }; readonly warnings?: readonly Warning[] };

/**
 * Shared shape of the reference (pixel-level, CPU) scorers: resolves each item's image to bytes,
 * scores items one after another (CPU-bound work gains nothing from interleaving), honours abort.
 */
export abstract class ReferenceImageScorer implements ScorerV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly maxBatchSize = 8;
  readonly maxConcurrency = 2;
  abstract readonly modelId: string;
  abstract readonly range: { readonly min: number; readonly max: number };
  private readonly fetchImpl: FetchFunction;

  constructor(config: ReferenceScorerConfig = {}) {
    this.fetchImpl = config.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Scores one image given its bytes and the prompt. */
  protected abstract scoreImage(bytes: Uint8Array, prompt: string, mediaType: string | undefined): Promise<ItemScore>;

  async doScore(options: ScoreOptions): Promise<ScoreResult> {
    const scores: (number | null)[] = [];
    const details: (ScoreDetail | undefined)[] = [];
    const warnings: Warning[] = [];
    for (const item of options.items) {
      if (options.abortSignal?.aborted) throw new AbortedError(`${this.modelId} scoring aborted`);
      const bytes = await imageBytes(item.image, this.fetchImpl, options.abortSignal);
      const result = await this.scoreImage(bytes, item.prompt, item.image.mediaType);
      scores.push(result.score);
      details.push(result.detail);
      for (const warning of result.warnings ?? []) {
        if (!warnings.some((known) => JSON.stringify(known) === JSON.stringify(warning))) warnings.push(warning);
      }
    }
    return {
      scores,
      ...(details.some((detail) => detail !== undefined) ? { details } : {}),
      warnings,
      response: { modelId: this.modelId },
    };
  }
}
