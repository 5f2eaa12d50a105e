import type { ImageRef } from './image-ref.js';
import type { LatentCheckpoint } from './latent-checkpoint.js';
import type { NoiseRecipe } from './noise-recipe.js';
import type { SamplerSpec } from './sampler.js';
import type { Warning } from './warning.js';

/** One image to generate: the prompt, the initial noise and the sampler settings. */
export interface GenerateItem {
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly noise: NoiseRecipe;
  /** Sampler steps (denoiser evaluations per image, before guidance doubling). */
  readonly steps: number;
  /** Classifier-free guidance scale; values <= 1 mean no guidance (one evaluation per step). */
  readonly guidance: number;
  readonly width: number;
  readonly height: number;
  readonly format: 'png';
  /**
   * Where the endpoint writes the image instead of returning its bytes (a presigned PUT URL), so image
   * bytes never transit the API; only sent to generators with `acceptsUploads`. The answer is then a
   * `url` ImageRef.
   */
  readonly output?: { readonly putUrl: string };
}

/** Options of one generator call: a batch of at most `maxBatchSize` items. */
export interface GenerateOptions {
  readonly items: readonly GenerateItem[];
  readonly abortSignal?: AbortSignal;
}

/** What a generator returns: one image per item, in order. */
export interface GenerateResult {
  readonly images: readonly GeneratedImage[];
  readonly warnings: readonly Warning[];
  readonly response: { readonly modelId: string };
}

/** One generated image and what it cost. */
export interface GeneratedImage {
  readonly image: ImageRef;
  /** Network function evaluations spent on this image (steps, x2 with guidance). */
  readonly nfe: number;
}

/**
 * Text-to-image generator port (v1). Adapters: reference (in-process), sagemaker (GPU endpoint).
 * A failed call throws (a `BackendCallError` with `isRetryable`); unsupported settings are warnings.
 */
export interface GeneratorV1 {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  /** Largest batch one `doGenerate` call accepts. */
  readonly maxBatchSize: number;
  /** How many calls may be in flight at once. */
  readonly maxConcurrency: number;
  /** Optional capability: the generator honours `GenerateItem.output` (writes images to presigned URLs). */
  readonly acceptsUploads?: boolean;
  doGenerate(options: GenerateOptions): Promise<GenerateResult>;
}

/**
 * One item of a v2 call: a v1 item that may run only part of its schedule. `steps` is the schedule's
 * length; the item runs positions [from, to) of it (default the whole), starting from its noise recipe
 * (from = 0) or from a checkpoint this generator returned earlier (from = start.step, or fewer after
 * `renoise`). It answers the final image when it reaches `to = steps`; before that, the latent at `to`
 * when asked (`returnLatents`) and an x̂₀ preview image when asked (`preview`).
 */
export interface GenerateItemV2 extends GenerateItem {
  /** First schedule position to run (default: `start.step` when resuming, else 0). */
  readonly from?: number;
  /** Position to stop at, exclusive (default `steps`). */
  readonly to?: number;
  /**
   * Resume from this checkpoint instead of the noise. `noise` stays the trajectory's origin recipe (the
   * reference world reads the scene's pose from it; diffusers ignores it when resuming).
   */
  readonly start?: LatentCheckpoint;
  /**
   * Re-noise the checkpoint forward from its position back to `from` (< start.step) with this noise
   * before denoising: x_from = √(ᾱ_from/ᾱ_start)·x_start + √(1 − ᾱ_from/ᾱ_start)·z (Ma et al. 2025's
   * search over paths).
   */
  readonly renoise?: NoiseRecipe;
  /** DDIM with η (default η = 0, deterministic). */
  readonly sampler?: SamplerSpec;
  /** Return the latent at `to` (only meaningful when to < steps). */
  readonly returnLatents?: boolean;
  /** Return the prediction x̂₀ of the last step run, decoded at this (low) resolution (only when to < steps). */
  readonly preview?: { readonly width: number; readonly height: number };
}

/** Options of one v2 call: a batch of at most `maxBatchSize` items. */
export interface GenerateOptionsV2 {
  readonly items: readonly GenerateItemV2[];
  readonly abortSignal?: AbortSignal;
}

/** What one v2 item produced: an image (final or preview), a checkpoint, and the NFEs it ran. */
export interface GeneratedSegment {
  /** The final image when the item reached `steps`; the x̂₀ preview when it stopped early and asked for one. */
  readonly image?: ImageRef;
  /** Whether `image` is a preview (x̂₀ of an unfinished trajectory) rather than a final image. */
  readonly preview: boolean;
  /** The latent at `to`, when asked and to < steps. */
  readonly latents?: LatentCheckpoint;
  /** Denoiser evaluations this item ran: (to − from), ×2 with guidance. Re-noising and previews cost none. */
  readonly nfe: number;
}

/** What a v2 generator returns: one segment per item, in order. */
export interface GenerateResultV2 {
  readonly outputs: readonly GeneratedSegment[];
  readonly warnings: readonly Warning[];
  readonly response: { readonly modelId: string };
}

/**
 * Text-to-image generator port (v2): v1 plus partial schedules, latent checkpoints, x̂₀ previews and a
 * stochastic sampler, stateless across the network (every checkpoint travels inline), so search methods
 * can spend denoiser evaluations where they matter. v1 stays for v1-only endpoints and clients.
 */
export interface GeneratorV2 {
  readonly specificationVersion: 'v2';
  readonly provider: string;
  readonly modelId: string;
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  readonly acceptsUploads?: boolean;
  doGenerate(options: GenerateOptionsV2): Promise<GenerateResultV2>;
}

/** Either generator contract. */
export type Generator = GeneratorV1 | GeneratorV2;

/** Denoiser evaluations per step: 2 with classifier-free guidance (guidance > 1), else 1. */
export function evaluationsPerStep(guidance: number): number {
  return guidance > 1 ? 2 : 1;
}
