import type { GenerateItem, GenerateOptions, GenerateResult, GeneratedImage, GeneratorV1, ImageRef, Warning } from '../../ports/index.js';
import { pngResponseBound } from './payload-split.js';
import { SageMakerAdapter, type SageMakerEndpointConfig } from './sagemaker-endpoint.js';
import { GENERATOR_V1, generatorV1ResponseSchema, type GeneratorV1Item } from './wire/generator-v1.js';
import { fromBase64 } from './wire-encoding.js';
import { fromWireWarnings, mergeWarnings } from './wire-warnings.js';

/** Configuration of a SageMaker generator endpoint. */
export interface SageMakerGeneratorConfig extends SageMakerEndpointConfig {
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
}

/**
 * GeneratorV1 over a SageMaker endpoint speaking `generator-v1`. A batch whose request or (bounded)
 * response would pass the 6 MB synchronous limit is sent as several consecutive calls.
 */
export class SageMakerGenerator extends SageMakerAdapter implements GeneratorV1 {
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  /** generator-v1 items may carry `output.put_url`: the endpoint PUTs the image there and answers its URL. */
  readonly acceptsUploads = true;

  constructor(modelId: string, config: SageMakerGeneratorConfig) {
    super(modelId, config);
    this.maxBatchSize = config.maxBatchSize;
    this.maxConcurrency = config.maxConcurrency;
  }

  async doGenerate(options: GenerateOptions): Promise<GenerateResult> {
    const { items, abortSignal } = options;
    if (items.length === 0) return { images: [], warnings: [], response: { modelId: this.modelId } };
    const parts = await this.endpoint.callInParts(
      {
        prefix: `{"version":"${GENERATOR_V1}","items":[`,
        suffix: ']}',
        items: items.map((item) => JSON.stringify(toWireItem(item))),
        responseBytes: items.map((item) => pngResponseBound(item.width, item.height)),
      },
      abortSignal,
      ({ json }, [start, end], inferenceId) => this.read(json, items.slice(start, end), inferenceId),
    );
    const images = parts.flatMap((part) => part.images);
    const warnings = parts.reduce<Warning[]>((merged, part) => mergeWarnings(merged, part.warnings), []);
    const modelId = parts[0]?.modelId ?? this.modelId;
    return { images, warnings, response: { modelId } };
  }

  /** Checks a generator-v1 answer against the items it answers. */
  private read(json: unknown, items: readonly GenerateItem[], inferenceId: string): { images: GeneratedImage[]; warnings: Warning[]; modelId: string } {
    const invalid = (message: string, cause?: unknown) => this.invalidResponse(inferenceId, message, cause);
    const parsed = generatorV1ResponseSchema.safeParse(json);
    if (!parsed.success) throw invalid(`answer is not a generator-v1 response (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message})`, parsed.error);
    const { images: wireImages, model, warnings } = parsed.data;
    if (wireImages.length !== items.length) throw invalid(`answered ${wireImages.length} images for ${items.length} items`);
    const images = wireImages.map((wire, index) => {
      const item = items[index] as GenerateItem;
      let image: ImageRef | undefined;
      try {
        image = toImageRef(wire);
      } catch (error) {
        throw invalid(`image ${index}: ${(error as Error).message}`, error);
      }
      if (image === undefined) throw invalid(`image ${index} has neither b64 nor url`);
      return { image, nfe: wire.nfe ?? item.steps * (item.guidance > 1 ? 2 : 1) };
    });
    return { images, warnings: fromWireWarnings(warnings), modelId: model ?? this.modelId };
  }
}

export function toWireItem(item: GenerateItem): GeneratorV1Item {
  return {
    prompt: item.prompt,
    ...(item.negativePrompt === undefined ? {} : { negative_prompt: item.negativePrompt }),
    noise: { terms: item.noise.terms.map((term) => ({ seed: term.seed, weight: term.weight })) },
    steps: item.steps,
    guidance: item.guidance,
    width: item.width,
    height: item.height,
    format: item.format,
    ...(item.output ? { output: { put_url: item.output.putUrl } } : {}),
  };
}

export function toImageRef(wire: { readonly b64?: string | undefined; readonly url?: string | undefined; readonly media_type?: string | undefined }): ImageRef | undefined {
  const mediaType = wire.media_type ?? 'image/png';
  if (wire.b64 !== undefined && wire.b64 !== '') {
    return { type: 'inline', mediaType, data: fromBase64(wire.b64) };
  }
  if (wire.url !== undefined && wire.url !== '') return { type: 'url', url: wire.url, mediaType };
  return undefined;
}
