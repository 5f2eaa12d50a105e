import sharp from 'sharp';
import { AbortedError, DiffalignError } from '../../ports/errors.js';
import type { GenerateItem, GenerateOptions, GenerateResult, GeneratedImage, GeneratorV1, Warning } from '../../ports/index.js';
import type { SceneModeKind } from '../../reference-world/scene/scene-failures.js';
import { renderSceneRgb } from '../../reference-world/scene/scene-renderer.js';
import { sampleDdim } from '../../reference-world/sampler/ddim-sampler.js';
import { compositeImage, readLatent, type WeightedRender } from '../../reference-world/sampler/latent-decoder.js';
import { LruCache } from '../../reference-world/sampler/lru-cache.js';
import { noiseFromRecipe } from '../../reference-world/sampler/recipe-noise.js';
import { buildSceneMixture, DEFAULT_SCENE_MIXTURE_OPTIONS, type SceneMixture, type SceneMixtureOptions } from '../../reference-world/sampler/scene-mixture.js';

/** A generate request the reference generator cannot serve (bad size, steps, batch): a caller bug, not retryable. */
export class InvalidGenerateRequestError extends DiffalignError {
  constructor(message: string) {
    super('invalid_generate_request', message);
  }
}

/** Options of the reference generator (all optional; defaults are the calibrated reference world). */
export interface ReferenceGeneratorOptions {
  readonly modelId?: string;
  readonly mixture?: Partial<SceneMixtureOptions>;
  /** How strongly the latent residual shows as texture in the decoded image (default 1). */
  readonly residualGain?: number;
  /** Decoder blend weights below this are dropped (default 0.02). */
  readonly minRenderWeight?: number;
  /** Prompts whose mixtures stay cached (default 64). */
  readonly mixtureCacheSize?: number;
  /** Bytes of full-resolution renders kept cached (default 128 MiB). */
  readonly renderCacheBytes?: number;
  /** zlib level of the PNG encoder (default 6). */
  readonly pngCompressionLevel?: number;
}

/** One sample with what the sampler knows about it (for benchmarks and tests; the port returns only the PNG). */
export interface ReferenceSample {
  readonly png: Uint8Array;
  readonly nfe: number;
  /** Bank row with the largest decoder weight. */
  readonly prototypeIndex: number;
  /** Mode of that prototype (index into the mixture's modes; −1 for a generic scene). */
  readonly modeIndex: number;
  readonly modeKind: SceneModeKind | 'generic';
  /** Decoder weight of the dominant prototype (1: a clean scene; lower: a blend). */
  readonly dominantWeight: number;
  /** Entropy (nats) of the decoder weights: 0 for one clean scene. */
  readonly blendEntropy: number;
  readonly warnings: readonly Warning[];
}

const MIN_SIDE = 64;
const MAX_SIDE = 1024;
const MAX_STEPS = 1000;

/**
 * The reference world's text-to-image model: DDIM over the analytic denoiser of a prompt-dependent
 * mixture of rendered scene prototypes (sampler/), decoded to full resolution by compositing the
 * prototypes' renders with the decoder's blend weights and the latent residual as texture.
 * Deterministic: the same item gives byte-identical PNGs in any process.
 */
export class ReferenceGenerator implements GeneratorV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly modelId: string;
  readonly maxBatchSize = 4;
  readonly maxConcurrency = 2;
  private readonly mixtureOptions: SceneMixtureOptions;
  private readonly residualGain: number;
  private readonly minRenderWeight: number;
  private readonly pngCompressionLevel: number;
  private readonly mixtures: LruCache<string, Promise<SceneMixture>>;
  private readonly renders: LruCache<string, Promise<Float32Array>>;

  constructor(options: ReferenceGeneratorOptions = {}) {
    this.modelId = options.modelId ?? 'reference-ddim-v1';
    this.mixtureOptions = { ...DEFAULT_SCENE_MIXTURE_OPTIONS, ...options.mixture };
    this.residualGain = options.residualGain ?? 1;
    this.minRenderWeight = options.minRenderWeight ?? 0.02;
    this.pngCompressionLevel = options.pngCompressionLevel ?? 6;
    this.mixtures = new LruCache(options.mixtureCacheSize ?? 64);
    this.renders = new LruCache(options.renderCacheBytes ?? 128 * 1024 * 1024);
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

  /** Generates one item and reports which scene the sampler landed on. */
  async sample(item: GenerateItem, abortSignal?: AbortSignal): Promise<ReferenceSample> {
    validateItem(item);
    throwIfAborted(abortSignal);
    const warnings: Warning[] = [];
    if (item.negativePrompt !== undefined && item.negativePrompt.trim() !== '') {
      warnings.push({ type: 'unsupported', feature: 'negativePrompt', details: 'the reference generator ignores negative prompts' });
    }
    const mixture = await this.mixtureFor(item.prompt);
    throwIfAborted(abortSignal);
    const { noise, degenerate } = noiseFromRecipe(item.noise, mixture.bank.dimension);
    if (degenerate) warnings.push({ type: 'other', message: 'noise recipe has no non-zero weight; used ε(first seed)' });
    const result = sampleDdim({
      conditional: mixture.conditional,
      unconditional: mixture.unconditional,
      guidance: item.guidance,
      steps: item.steps,
      noise,
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });
    const reading = readLatent(mixture.basis, result.sample);
    let prototypeIndex = 0;
    let blendEntropy = 0;
    reading.weights.forEach((weight, index) => {
      if (weight > reading.weights[prototypeIndex]) prototypeIndex = index;
      if (weight > 0) blendEntropy -= weight * Math.log(weight);
    });
    const chosen: number[] = [];
    reading.weights.forEach((weight, index) => {
      if (weight >= this.minRenderWeight) chosen.push(index);
    });
    if (chosen.length === 0) chosen.push(prototypeIndex);
    const renders: WeightedRender[] = await Promise.all(
      chosen.map(async (index) => ({ weight: reading.weights[index], rgb: await this.renderFor(mixture, index, item.width, item.height) })),
    );
    throwIfAborted(abortSignal);
    const residual = reading.residual.map((value) => value / this.mixtureOptions.latentScale);
    const pixels = compositeImage({
      renders,
      residual,
      latentSize: this.mixtureOptions.latentSize,
      width: item.width,
      height: item.height,
      residualGain: this.residualGain,
    });
    const png = await sharp(pixels, { raw: { width: item.width, height: item.height, channels: 3 } })
      .png({ compressionLevel: this.pngCompressionLevel })
      .toBuffer();
    const prototype = mixture.prototypes[prototypeIndex];
    const modeIndex = prototype?.modeIndex ?? -1;
    return {
      png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength),
      nfe: result.nfe,
      prototypeIndex,
      modeIndex,
      modeKind: modeIndex < 0 ? 'generic' : (mixture.modes[modeIndex]?.kind ?? 'generic'),
      dominantWeight: reading.weights[prototypeIndex],
      blendEntropy,
      warnings,
    };
  }

  /** The prompt's scene mixture (cached per prompt). */
  mixtureFor(prompt: string): Promise<SceneMixture> {
    const cached = this.mixtures.get(prompt);
    if (cached !== undefined) return cached;
    const built = buildSceneMixture(prompt, this.mixtureOptions);
    this.mixtures.set(prompt, built);
    built.catch(() => this.mixtures.delete(prompt));
    return built;
  }

  /** A prototype's full-resolution render (cached by prompt, prototype and size). */
  private renderFor(mixture: SceneMixture, index: number, width: number, height: number): Promise<Float32Array> {
    const key = `${width}x${height}|${index}|${mixture.prompt}`;
    const cached = this.renders.get(key);
    if (cached !== undefined) return cached;
    const prototype = mixture.prototypes[index];
    if (prototype === undefined) return Promise.reject(new RangeError(`no prototype ${index}`));
    const render = renderSceneRgb(prototype.layout, prototype.style, width, height);
    this.renders.set(key, render, width * height * 3 * 4);
    render.catch(() => this.renders.delete(key));
    return render;
  }
}

/** Rejects items the sampler cannot serve. */
function validateItem(item: GenerateItem): void {
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
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('generation aborted', { cause: signal.reason });
}
