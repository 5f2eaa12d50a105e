import type { ScoreOptions, ScoreResult, ScorerV1 } from '../../../ports/scorer.js';
import { createReferenceScorers } from '../reference-scorers.js';
import { imageBytes, type FetchFunction } from '../image-input.js';
import type { ReferenceScorerConfig } from '../image-scorer-base.js';
import type { WorkerScoreItem } from './reference-worker-protocol.js';
import type { ReferenceWorkerPool } from './reference-worker-pool.js';

/** Which reference scorer a pooled one stands for. */
export interface PooledScorerIdentity {
  readonly modelId: string;
  readonly range: { readonly min: number; readonly max: number };
  readonly judgesPreviews?: boolean;
}

/** Batch a pooled scorer takes per call (one task, one thread). */
const POOLED_SCORER_BATCH = 8;

/**
 * A reference scorer served by a worker pool: images by URL are fetched here (with the configured
 * fetch, abortably), then the batch's pixel work runs on one thread. Scores equal the in-thread
 * scorer's; abort stops the work in its thread.
 */
export class PooledReferenceScorer implements ScorerV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly modelId: string;
  readonly range: { readonly min: number; readonly max: number };
  readonly judgesPreviews: boolean;
  readonly maxBatchSize = POOLED_SCORER_BATCH;
  readonly maxConcurrency: number;
  private readonly fetchImpl: FetchFunction;

  constructor(
    private readonly pool: ReferenceWorkerPool,
    identity: PooledScorerIdentity,
    config: ReferenceScorerConfig = {},
  ) {
    this.modelId = identity.modelId;
    this.range = identity.range;
    this.judgesPreviews = identity.judgesPreviews === true;
    this.maxConcurrency = pool.threads;
    this.fetchImpl = config.fetch ?? ((input, init) => fetch(input, init));
  }

  async doScore(options: ScoreOptions): Promise<ScoreResult> {
    if (options.items.length === 0) return { scores: [], warnings: [], response: { modelId: this.modelId } };
    const items: WorkerScoreItem[] = [];
    for (const item of options.items) {
      items.push({ prompt: item.prompt, data: await imageBytes(item.image, this.fetchImpl, options.abortSignal), mediaType: item.image.mediaType });
    }
    const reply = await this.pool.run({ kind: 'score', model: this.modelId, items }, options.abortSignal);
    return {
      scores: reply.scores,
      ...(reply.details === undefined ? {} : { details: reply.details }),
      warnings: reply.warnings,
      response: { modelId: this.modelId },
    };
  }
}

/** The reference scorers (geneval, aesthetic, compressibility, incompressibility), each served by the pool. */
export function createPooledReferenceScorers(pool: ReferenceWorkerPool, config: ReferenceScorerConfig = {}): PooledReferenceScorer[] {
  return createReferenceScorers(config).map((scorer) => new PooledReferenceScorer(pool, { modelId: scorer.modelId, range: scorer.range ?? { min: 0, max: 1 }, judgesPreviews: scorer.judgesPreviews === true }, config));
}
