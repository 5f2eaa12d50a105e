import type { GenerateOptionsV2, GenerateResultV2, GeneratorV2 } from '../../../ports/generator.js';
import { InvalidGenerateRequestError, REFERENCE_GENERATOR_MODEL_ID } from '../reference-generator.js';
import type { ReferenceWorkerPool } from './reference-worker-pool.js';

/**
 * The reference generator v2 served by a worker pool, like a remote GPU endpoint: one item per call, as
 * many in flight as the pool has threads; byte-identical to the in-thread ReferenceGeneratorV2 (so a
 * checkpoint from either resumes on the other).
 */
export class PooledReferenceGeneratorV2 implements GeneratorV2 {
  readonly specificationVersion = 'v2' as const;
  readonly provider = 'reference';
  readonly modelId = REFERENCE_GENERATOR_MODEL_ID;
  readonly maxBatchSize = 1;
  readonly maxConcurrency: number;

  constructor(private readonly pool: ReferenceWorkerPool) {
    this.maxConcurrency = pool.threads;
  }

  async doGenerate(options: GenerateOptionsV2): Promise<GenerateResultV2> {
    const { items, abortSignal } = options;
    if (items.length > this.maxBatchSize) throw new InvalidGenerateRequestError(`batch of ${items.length} items exceeds maxBatchSize ${this.maxBatchSize}`);
    const [item] = items;
    if (item === undefined) return { outputs: [], warnings: [], response: { modelId: this.modelId } };
    const reply = await this.pool.run({ kind: 'generate-v2', item }, abortSignal);
    return {
      outputs: [
        {
          ...(reply.png ? { image: { type: 'inline' as const, mediaType: 'image/png', data: reply.png } } : {}),
          preview: reply.preview,
          ...(reply.latents ? { latents: reply.latents } : {}),
          nfe: reply.nfe,
        },
      ],
      warnings: reply.warnings,
      response: { modelId: this.modelId },
    };
  }
}
