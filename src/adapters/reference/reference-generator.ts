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

/** The reference generator's model id (v1 and v2, in-thread and pooled: one model, so checkpoints move between them). */
export const REFERENCE_GENERATOR_MODEL_ID = 'reference-ddim-v1';

/** Smallest and largest side (pixels) the reference world renders, images and previews alike. */
export const MIN_SIDE = 64;
export const MAX_SIDE = 1024;
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
    this.modelId = options.modelId ?? REFERENCE_GENERATOR_MODEL_ID;
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
      mergeWarnings(warnings, sample.warnings);
      images.push({ image: { type: 'inline', mediaType: 'image/png', data: sample.png }, nfe: sample.nfe });
    }
    return { images, warnings, response: { modelId: this.modelId } };
  }

  /** Generates one item. */
  async sample(item: GenerateItem, abortSignal?: AbortSignal): Promise<ReferenceSample> {
    validateItem(item);
    throwIfAborted(abortSignal);
    const drawn = await this.world.sample(item, abortSignal);
    const warnings = itemWarnings(item, drawn.degenerateNoise);
    throwIfAborted(abortSignal);
    const pixels = await this.world.render(drawn, item.width, item.height);
    throwIfAborted(abortSignal);
    return { png: await encodePng(pixels, item.width, item.height, this.pngCompressionLevel), nfe: drawn.nfe, warnings };
  }
}

/** The warnings of one item: an ignored negative prompt, and a noise recipe that had no weight. */
export function itemWarnings(item: GenerateItem, degenerateNoise: boolean): Warning[] {
  const warnings: Warning[] = [];
  if (item.negativePrompt !== undefined && item.negativePrompt.trim() !== '') {
    warnings.push({ type: 'unsupported', feature: 'negativePrompt', details: 'the reference generator ignores negative prompts' });
  }
  if (degenerateNoise) warnings.push({ type: 'other', message: 'noise recipe has no non-zero weight; used ε(first seed)' });
  return warnings;
}

/** Adds to a batch's warnings those of an item it does not hold yet. */
export function mergeWarnings(into: Warning[], more: readonly Warning[]): void {
  for (const warning of more) {
    if (!into.some((existing) => JSON.stringify(existing) === JSON.stringify(warning))) into.push(warning);
  }
}

/** Interleaved 8-bit RGB pixels as a PNG. */
export async function encodePng(pixels: Uint8Array, width: number, height: number, compressionLevel: number): Promise<Uint8Array> {
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel }).toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Whether a side (pixels) is one the reference world renders. */
export function sideInRange(side: number): boolean {
  return Number.isInteger(side) && side >= MIN_SIDE && side <= MAX_SIDE;
}

/** Rejects items the sampler cannot serve. */
export function validateItem(item: GenerateItem): void {
  if (!sideInRange(item.width) || !sideInRange(item.height)) {
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
