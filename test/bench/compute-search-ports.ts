/**
 * Ports for the compute-search benchmark (a module, not a benchmark): the reference generator v2,
 * memoised per item (budgets share their first segments) and keeping the truth of every final image it
 * drew by its PNG bytes (scorers are memoised by memo-scorer.ts). Results are what the unwrapped port gives.
 */
import type { ReferenceGeneratorV2 } from '../../src/adapters/reference/reference-generator-v2.js';
import type { GenerateOptionsV2, GenerateResultV2, GeneratedSegment, GeneratorV2 } from '../../src/ports/index.js';
import type { ReferenceWorldModel } from '../../src/reference-world/sampler/world-model.js';
import { truthOfSample, type SceneTruth } from '../../src/reference-world/truth/index.js';
import { imageKey } from './memo-scorer.js';

/** The reference generator v2 with a memo per item and the truth of every final image by its bytes' key. */
export class TruthKeepingGenerator implements GeneratorV2 {
  readonly specificationVersion = 'v2' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  /** Truth of each final image, by imageKey of its PNG. */
  readonly truths = new Map<string, SceneTruth>();
  /** Items the world actually ran (memo misses). */
  ran = 0;
  private readonly memo = new Map<string, Promise<GeneratedSegment>>();

  constructor(
    private readonly inner: ReferenceGeneratorV2,
    private readonly truthWorld: ReferenceWorldModel,
    concurrency = 2,
  ) {
    this.provider = inner.provider;
    this.modelId = inner.modelId;
    this.maxBatchSize = 1;
    this.maxConcurrency = concurrency;
  }

  async doGenerate(options: GenerateOptionsV2): Promise<GenerateResultV2> {
    const outputs = await Promise.all(
      options.items.map((item) => {
        const key = JSON.stringify(item);
        let entry = this.memo.get(key);
        if (!entry) {
          this.ran += 1;
          entry = this.inner.run(item, options.abortSignal).then((result) => {
            const { output, segment } = result;
            if (!output.preview && output.image?.type === 'inline') this.truths.set(imageKey(output.image.data), truthOfSample(this.truthWorld, segment.sample, item.width, item.height));
            return output;
          });
          entry.catch(() => this.memo.delete(key));
          this.memo.set(key, entry);
        }
        return entry;
      }),
    );
    return { outputs, warnings: [], response: { modelId: this.modelId } };
  }
}
