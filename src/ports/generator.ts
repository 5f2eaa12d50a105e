import type { ImageRef } from './image-ref.js';
import type { NoiseRecipe } from './noise-recipe.js';
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
