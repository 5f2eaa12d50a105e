import type { GenerateItemV2, GenerateOptionsV2, GenerateResultV2, GeneratedSegment, GeneratorV2, ImageRef, LatentCheckpoint, Warning } from '../../ports/index.js';
import { InvalidEndpointResponseError } from '../../ports/errors.js';
import { pngResponseBound } from './payload-split.js';
import { SageMakerEndpoint } from './sagemaker-endpoint.js';
import { SageMakerGenerator, toImageRef, toWireItem, type SageMakerGeneratorConfig } from './sagemaker-generator.js';
import { GENERATOR_V2, generatorV2ResponseSchema, type GeneratorV2Item, type GeneratorV2Output } from './wire/generator-v2.js';
import { fromWireWarnings, mergeWarnings } from './wire-warnings.js';

/** Configuration of a SageMaker generator endpoint speaking generator-v2 (and v1). */
export interface SageMakerGeneratorV2Config extends SageMakerGeneratorConfig {
  /**
   * An upper bound of the characters of the checkpoint an item of this size answers, for splitting
   * batches under the payload limit. Default: an SD-class latent (4 channels at 1/8 of each side) in
   * float32, deflate's worst case, base64 — and at least 48 KB (the reference world's float64 latent).
   */
  readonly checkpointBound?: (width: number, height: number) => number;
}

/** Whether an item needs generator-v2 on the wire (a v1 endpoint serves the rest). */
export function usesV2(item: GenerateItemV2): boolean {
  return (
    item.start !== undefined ||
    item.renoise !== undefined ||
    (item.sampler !== undefined && item.sampler.eta > 0) ||
    (item.from !== undefined && item.from !== 0) ||
    (item.to !== undefined && item.to !== item.steps) ||
    item.returnLatents === true ||
    item.preview !== undefined
  );
}

/** The default bound of a checkpoint's characters (see SageMakerGeneratorV2Config.checkpointBound). */
export function defaultCheckpointBound(width: number, height: number): number {
  const raw = 4 * Math.ceil(width / 8) * Math.ceil(height / 8) * 4;
  return Math.max(48 * 1024, Math.ceil(((raw + Math.ceil(raw / 1000) + 64) * 4) / 3)) + 512;
}

/**
 * GeneratorV2 over a SageMaker endpoint speaking `generator-v2` (the handler in infra/endpoints). A
 * batch of whole schedules from noise goes as generator-v1, so v1-only endpoints keep serving best-of-n
 * and zero-order; batches with segments go as generator-v2, split into consecutive calls whose request
 * (checkpoints included) and bounded response (image or preview plus checkpoint) stay under the 6 MB
 * synchronous limit.
 */
export class SageMakerGeneratorV2 implements GeneratorV2 {
  readonly specificationVersion = 'v2' as const;
  readonly provider = 'sagemaker';
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  readonly acceptsUploads = true;
  private readonly endpoint: SageMakerEndpoint;
  private readonly v1: SageMakerGenerator;
  private readonly checkpointBound: (width: number, height: number) => number;

  constructor(
    readonly modelId: string,
    config: SageMakerGeneratorV2Config,
  ) {
    this.maxBatchSize = config.maxBatchSize;
    this.maxConcurrency = config.maxConcurrency;
    this.endpoint = new SageMakerEndpoint(config);
    this.v1 = new SageMakerGenerator(modelId, config);
    this.checkpointBound = config.checkpointBound ?? defaultCheckpointBound;
  }

  async doGenerate(options: GenerateOptionsV2): Promise<GenerateResultV2> {
    const { items, abortSignal } = options;
    if (items.length === 0) return { outputs: [], warnings: [], response: { modelId: this.modelId } };
    if (!items.some(usesV2)) {
      const result = await this.v1.doGenerate({ items, ...(abortSignal ? { abortSignal } : {}) });
      return { outputs: result.images.map((image) => ({ image: image.image, preview: false, nfe: image.nfe })), warnings: result.warnings, response: result.response };
    }
    const parts = await this.endpoint.callInParts(
      {
        prefix: `{"version":"${GENERATOR_V2}","items":[`,
        suffix: ']}',
        items: items.map((item) => JSON.stringify(toWireItemV2(item))),
        responseBytes: items.map((item) => this.responseBound(item)),
      },
      abortSignal,
      ({ json }, [start, end], inferenceId) => this.read(json, items.slice(start, end), inferenceId),
    );
    return {
      outputs: parts.flatMap((part) => part.outputs),
      warnings: parts.reduce<Warning[]>((merged, part) => mergeWarnings(merged, part.warnings), []),
      response: { modelId: parts[0]?.modelId ?? this.modelId },
    };
  }

  /** An upper bound of an item's bytes in the answer: its image or preview, and its checkpoint. */
  private responseBound(item: GenerateItemV2): number {
    const to = item.to ?? item.steps;
    if (to >= item.steps) return pngResponseBound(item.width, item.height);
    const preview = item.preview ? pngResponseBound(item.preview.width, item.preview.height) : 128;
    const checkpoint = item.returnLatents ? (item.start ? item.start.data.length + 512 : this.checkpointBound(item.width, item.height)) : 0;
    return preview + checkpoint;
  }

  /** Checks a generator-v2 answer against the items it answers. */
  private read(json: unknown, items: readonly GenerateItemV2[], inferenceId: string): { outputs: GeneratedSegment[]; warnings: Warning[]; modelId: string } {
    const invalid = (message: string, cause?: unknown): InvalidEndpointResponseError => {
      const backend = `SageMaker endpoint ${this.endpoint.name}`;
      return new InvalidEndpointResponseError({ backend, message: `${backend} (inference id ${inferenceId}): ${message}`, ...(cause === undefined ? {} : { cause }) });
    };
    const parsed = generatorV2ResponseSchema.safeParse(json);
    if (!parsed.success) throw invalid(`answer is not a generator-v2 response (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message})`, parsed.error);
    const { outputs: wire, model, warnings } = parsed.data;
    if (wire.length !== items.length) throw invalid(`answered ${wire.length} outputs for ${items.length} items`);
    const outputs = wire.map((output, index) => {
      const item = items[index] as GenerateItemV2;
      const to = item.to ?? item.steps;
      const final = to >= item.steps;
      let image: ImageRef | undefined;
      try {
        image = toImageRef(output);
      } catch (error) {
        throw invalid(`output ${index}: ${(error as Error).message}`, error);
      }
      if (final && image === undefined) throw invalid(`output ${index} reached the end of its schedule but has neither b64 nor url`);
      if (!final && item.returnLatents && output.latents === undefined) throw invalid(`output ${index} has no latents though the item asked for them`);
      const from = item.from ?? item.start?.step ?? 0;
      return {
        ...(image ? { image } : {}),
        preview: !final,
        ...(output.latents ? { latents: checkpointOf(output) } : {}),
        nfe: output.nfe ?? (to - from) * (item.guidance > 1 ? 2 : 1),
      };
    });
    return { outputs, warnings: fromWireWarnings(warnings), modelId: model ?? this.modelId };
  }
}

/** The port's checkpoint of a wire output's latents (unknown fields dropped). */
function checkpointOf(output: GeneratorV2Output): LatentCheckpoint {
  const { step, steps, shape, dtype, data, model } = output.latents!;
  return { step, steps, shape, dtype, data, ...(model === undefined ? {} : { model }) };
}

/** An item on the generator-v2 wire. */
export function toWireItemV2(item: GenerateItemV2): GeneratorV2Item {
  return {
    ...toWireItem(item),
    ...(item.from !== undefined ? { from: item.from } : {}),
    ...(item.to !== undefined ? { to: item.to } : {}),
    ...(item.start ? { start: { step: item.start.step, steps: item.start.steps, shape: [...item.start.shape], dtype: item.start.dtype, data: item.start.data, ...(item.start.model === undefined ? {} : { model: item.start.model }) } } : {}),
    ...(item.renoise ? { renoise: { terms: item.renoise.terms.map((term) => ({ seed: term.seed, weight: term.weight })) } } : {}),
    ...(item.sampler ? { sampler: { eta: item.sampler.eta, seed: item.sampler.seed } } : {}),
    ...(item.returnLatents ? { return_latents: true } : {}),
    ...(item.preview ? { preview: { width: item.preview.width, height: item.preview.height } } : {}),
  };
}
