import sharp from 'sharp';
import { AbortedError } from '../../ports/errors.js';
import type { GenerateItem, GenerateOptions, GenerateResult, GeneratedImage, GeneratorV1, Warning } from '../../ports/index.js';
import { ReferenceWorldModel, type WorldModelOptions } from '../../reference-world/sampler/world-model.js';
import { InvalidGenerateRequestError } from './invalid-generate-request-error.js';

export { InvalidGenerateRequestError } from './invalid-generate-request-error.js';

/** Options of the reference generator (all optional; defaults are the calibrated reference world). */
export interface ReferenceGeneratorOptions extends WorldModelOptions {
  readonly modelId?: string;
  /** zlib level of the PNG encoder (default 6). */
  readonly pngCompressionLevel?: number;
}

/** One generated image with the NFE and the warnings of its item. */
export interface ReferenceSample {
  readonly png: Uint8Array;
  readonly nfe: number;
  readonly warnings: readonly Warning[];
}

const MIN_SIDE = 64;
const MAX_SIDE = 1024;
const MAX_STEPS = 1000;

/**
 * The reference world's text-to-image model behind the Generator port: validates items, runs the world
 * model (src/reference-world/sampler/world-model.ts: DDIM over a prompt's scene mixture, posed by the
 * noise) and encodes its pixels as PNG. It returns only images; what scene was drawn stays inside the
 * world (benchmarks read it from src/reference-world/truth). Deterministic: the same item gives
 * byte-identical PNGs in any process.
 */
export class ReferenceGenerator implements GeneratorV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly modelId: string;
  readonly maxBatchSize = 4;
  readonly maxConcurrency = 2;
  private readonly world: ReferenceWorldModel;
  private readonly pngCompressionLevel: number;

  constructor(options: ReferenceGeneratorOptions = {}) {
    this.modelId = options.modelId ?? 'reference-ddim-v1';
    this.world = new ReferenceWorldModel(options);
    this.pngCompressionLevel = options.pngCompressionLevel ?? 6;
  }

  async doGenerate(options: GenerateOptions): Promise<GenerateResult> {
    const { items, abortSignal } = options;
    if (items.length > this.maxBatchSize) throw new InvalidGenerateRequestError(`batch of ${items.length} items exceeds maxBatchSize ${this.maxBatchSize}`);
    items.forEach(validateItem);
    const warnings: Warning[] = [];
    const images: GeneratedImage[] = [];
    for (const item of items) {
      const sample = await this.sample(item, abortSignal);
      for (const warning of sample.warnings) {
        if (!warnings.some((existing) => JSON.stringify(existing) === JSON.stringify(warning))) warnings.push(warning);
      }
      images.push({ image: { type: 'inline', mediaType: 'image/png', data: sample.png }, nfe: sample.nfe });
    }
    return { images, warnings, response: { modelId: this.modelId } };
  }

  /** Generates one item. */
  async sample(item: GenerateItem, abortSignal?: AbortSignal): Promise<ReferenceSample> {
    validateItem(item);
    throwIfAborted(abortSignal);
    const warnings: Warning[] = [];
    if (item.negativePrompt !== undefined && item.negativePrompt.trim() !== '') {
      warnings.push({ type: 'unsupported', feature: 'negativePrompt', details: 'the reference generator ignores negative prompts' });
    }
    const drawn = await this.world.sample(item, abortSignal);
    if (drawn.degenerateNoise) warnings.push({ type: 'other', message: 'noise recipe has no non-zero weight; used ε(first seed)' });
    throwIfAborted(abortSignal);
    const pixels = await this.world.render(drawn, item.width, item.height);
    throwIfAborted(abortSignal);
    const png = await sharp(pixels, { raw: { width: item.width, height: item.height, channels: 3 } })
      .png({ compressionLevel: this.pngCompressionLevel })
      .toBuffer();
    return { png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), nfe: drawn.nfe, warnings };
  }
}

/** Rejects items the sampler cannot serve. */
export function validateItem(item: GenerateItem): void {
  const sideOk = (side: number): boolean => Number.isInteger(side) && side >= MIN_SIDE && side <= MAX_SIDE;
  if (!sideOk(item.width) || !sideOk(item.height)) {
    throw new InvalidGenerateRequestError(`image size ${item.width}x${item.height} outside ${MIN_SIDE}..${MAX_SIDE} (integers)`);
  }
  if (!Number.isInteger(item.steps) || item.steps < 1 || item.steps > MAX_STEPS) throw new InvalidGenerateRequestError(`steps ${item.steps} outside 1..${MAX_STEPS}`);
  if (!Number.isFinite(item.guidance) || item.guidance < 0) throw new InvalidGenerateRequestError(`guidance ${item.guidance} must be a finite number >= 0`);
  if (item.format !== 'png') throw new InvalidGenerateRequestError(`format ${String(item.format)} is not supported`);
  if (item.noise.terms.length === 0) throw new InvalidGenerateRequestError('noise recipe has no terms');
}

/** Throws AbortedError once the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('generation aborted', { cause: signal.reason });
}
