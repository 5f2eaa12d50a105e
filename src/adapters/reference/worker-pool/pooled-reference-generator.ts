import type { GenerateOptions, GenerateResult, GeneratorV1 } from '../../../ports/generator.js';
import { InvalidGenerateRequestError, REFERENCE_GENERATOR_MODEL_ID } from '../reference-generator.js';
import type { ReferenceWorkerPool } from './reference-worker-pool.js';

/**
 * The reference generator served by a worker pool, like a remote GPU endpoint: one image per call
 * (so images finish, and miss deadlines, one by one), as many calls in flight as the pool has
 * threads. Byte-identical to the in-thread `ReferenceGenerator`; abort stops the work in its thread.
 */
export class PooledReferenceGenerator implements GeneratorV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly modelId = REFERENCE_GENERATOR_MODEL_ID;
  readonly maxBatchSize = 1;
  readonly maxConcurrency: number;

  constructor(private readonly pool: ReferenceWorkerPool) {
    this.maxConcurrency = pool.threads;
  }

  async doGenerate(options: GenerateOptions): Promise<GenerateResult> {
    const { items, abortSignal } = options;
    if (items.length > this.maxBatchSize) throw new InvalidGenerateRequestError(`batch of ${items.length} items exceeds maxBatchSize ${this.maxBatchSize}`);
    const [item] = items;
    if (item === undefined) return { images: [], warnings: [], response: { modelId: this.modelId } };
    const reply = await this.pool.run({ kind: 'generate', item }, abortSignal);
    return {
      images: [{ image: { type: 'inline', mediaType: 'image/png', data: reply.png }, nfe: reply.nfe }],
      warnings: reply.warnings,
      response: { modelId: this.modelId },
    };
  }
}
