import type { GenerateItemV2, GenerateOptionsV2, GenerateResultV2, GeneratedSegment, GeneratorV2, Warning } from '../../ports/index.js';
import { ReferenceWorldModel } from '../../reference-world/sampler/world-model.js';
import { sampleWorldSegment, type WorldSegment } from '../../reference-world/sampler/world-segments.js';
import { InvalidGenerateRequestError } from './invalid-generate-request-error.js';
import { decodeLatentCheckpoint, encodeLatentCheckpoint } from './latent-checkpoint-codec.js';
import { encodePng, itemWarnings, MAX_SIDE, mergeWarnings, MIN_SIDE, REFERENCE_GENERATOR_MODEL_ID, sideInRange, throwIfAborted, validateItem, type ReferenceGeneratorOptions } from './reference-generator.js';

/** What one v2 item produced, with the world's segment (benchmarks read the truth of its sample). */
export interface ReferenceSegmentResult {
  readonly output: GeneratedSegment;
  readonly segment: WorldSegment;
  readonly warnings: readonly Warning[];
}

/**
 * The reference world behind the Generator port v2: every item runs positions [from, to) of its DDIM(η)
 * schedule (src/reference-world/sampler/world-segments.ts) from its noise or a checkpoint this generator
 * returned (float64, lossless), re-noised first when asked; it answers the final PNG at the end of the
 * schedule, and before it the checkpoint and a PNG of the x̂₀ preview at the asked size. A whole
 * schedule from the noise gives the v1 ReferenceGenerator's bytes.
 */
export class ReferenceGeneratorV2 implements GeneratorV2 {
  readonly specificationVersion = 'v2' as const;
  readonly provider = 'reference';
  readonly modelId: string;
  readonly maxBatchSize = 4;
  readonly maxConcurrency = 2;
  private readonly world: ReferenceWorldModel;
  private readonly pngCompressionLevel: number;

  constructor(options: ReferenceGeneratorOptions = {}) {
    this.modelId = options.modelId ?? REFERENCE_GENERATOR_MODEL_ID;
    this.world = new ReferenceWorldModel(options);
    this.pngCompressionLevel = options.pngCompressionLevel ?? 6;
  }

  async doGenerate(options: GenerateOptionsV2): Promise<GenerateResultV2> {
    const { items, abortSignal } = options;
    if (items.length > this.maxBatchSize) throw new InvalidGenerateRequestError(`batch of ${items.length} items exceeds maxBatchSize ${this.maxBatchSize}`);
    items.forEach((item) => this.validate(item));
    const warnings: Warning[] = [];
    const outputs: GeneratedSegment[] = [];
    for (const item of items) {
      // validated above, with the whole batch, before any work
      const result = await this.runValidated(item, abortSignal);
      mergeWarnings(warnings, result.warnings);
      outputs.push(result.output);
    }
    return { outputs, warnings, response: { modelId: this.modelId } };
  }

  /** Runs one item. */
  async run(item: GenerateItemV2, abortSignal?: AbortSignal): Promise<ReferenceSegmentResult> {
    this.validate(item);
    return this.runValidated(item, abortSignal);
  }

  private async runValidated(item: GenerateItemV2, abortSignal?: AbortSignal): Promise<ReferenceSegmentResult> {
    throwIfAborted(abortSignal);
    const to = item.to ?? item.steps;
    const from = item.from ?? item.start?.step ?? 0;
    const segment = await sampleWorldSegment(
      this.world,
      {
        prompt: item.prompt,
        noise: item.noise,
        steps: item.steps,
        guidance: item.guidance,
        from,
        to,
        ...(item.start ? { start: { latent: decodeLatentCheckpoint(item.start), step: item.start.step } } : {}),
        ...(item.renoise ? { renoise: item.renoise } : {}),
        ...(item.sampler ? { eta: item.sampler.eta, seed: item.sampler.seed } : {}),
      },
      abortSignal,
    );
    const warnings = itemWarnings(item, segment.sample.degenerateNoise);
    throwIfAborted(abortSignal);
    const final = to >= item.steps;
    const size = final ? { width: item.width, height: item.height } : item.preview;
    const png = size ? await this.png(segment, size.width, size.height) : undefined;
    throwIfAborted(abortSignal);
    const output: GeneratedSegment = {
      ...(png ? { image: { type: 'inline' as const, mediaType: 'image/png', data: png } } : {}),
      preview: !final,
      ...(!final && item.returnLatents ? { latents: encodeLatentCheckpoint(segment.latent, { step: to, steps: item.steps }, this.modelId) } : {}),
      nfe: segment.nfe,
    };
    return { output, segment, warnings };
  }

  private async png(segment: WorldSegment, width: number, height: number): Promise<Uint8Array> {
    return encodePng(await this.world.render(segment.sample, width, height), width, height, this.pngCompressionLevel);
  }

  /** Rejects what the v1 checks reject, and segments, checkpoints and previews the world cannot serve. */
  private validate(item: GenerateItemV2): void {
    validateItem(item);
    const to = item.to ?? item.steps;
    const from = item.from ?? item.start?.step ?? 0;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from || to > item.steps) {
      throw new InvalidGenerateRequestError(`segment [${from}, ${to}) is not within a schedule of ${item.steps} steps`);
    }
    if (item.start) {
      if (item.start.model !== undefined && item.start.model !== this.modelId) throw new InvalidGenerateRequestError(`checkpoint of model ${item.start.model} cannot resume on ${this.modelId}`);
      if (item.start.steps !== item.steps) throw new InvalidGenerateRequestError(`checkpoint of a ${item.start.steps}-step schedule cannot resume a ${item.steps}-step one`);
      if (item.renoise ? from >= item.start.step : from !== item.start.step) {
        throw new InvalidGenerateRequestError(item.renoise ? `re-noising goes back: from ${from} must be before the checkpoint's step ${item.start.step}` : `a checkpoint at step ${item.start.step} resumes from that step, not ${from}`);
      }
    } else {
      if (from !== 0) throw new InvalidGenerateRequestError(`without a checkpoint a trajectory starts at step 0, not ${from}`);
      if (item.renoise) throw new InvalidGenerateRequestError('renoise needs a checkpoint to re-noise');
    }
    if (item.sampler && !(item.sampler.eta >= 0 && item.sampler.eta <= 1 && Number.isInteger(item.sampler.seed) && item.sampler.seed >= 0 && item.sampler.seed <= 0xffffffff)) {
      throw new InvalidGenerateRequestError('sampler needs eta in [0, 1] and a uint32 seed');
    }
    if (item.preview) {
      if (!sideInRange(item.preview.width) || !sideInRange(item.preview.height)) throw new InvalidGenerateRequestError(`preview size ${item.preview.width}x${item.preview.height} outside ${MIN_SIDE}..${MAX_SIDE}`);
    }
  }
}
