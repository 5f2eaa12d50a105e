import type { NoiseRecipe } from '../../ports/index.js';
import type { SceneModeKind } from '../difficulty/failure-model.js';
import { clampStyle, type RenderStyle } from '../scene/render-style.js';
import type { SceneLayout } from '../scene/scene-layout.js';
import type { SceneLighting } from '../scene/scene-lighting.js';
import { renderSceneRaw } from '../scene/scene-renderer.js';
import { sampleDdim } from './ddim-sampler.js';
import { compositeImage, readLatent } from './latent-decoder.js';
import { LruCache } from './lru-cache.js';
import { poseFromNoise, poseLayout, type ScenePose } from './noise-pose.js';
import { noiseFromRecipe } from './recipe-noise.js';
import { buildSceneMixture, DEFAULT_SCENE_MIXTURE_OPTIONS, type SceneMixture, type SceneMixtureOptions } from './scene-mixture.js';

/** What one sample needs: the prompt, the noise recipe and the sampler settings. */
export interface WorldItem {
  readonly prompt: string;
  readonly noise: NoiseRecipe;
  readonly steps: number;
  readonly guidance: number;
}

/** One sample of the world before it is rendered: which scenes the latent blends, and the pose. */
export interface WorldSample {
  readonly mixture: SceneMixture;
  readonly nfe: number;
  /** Whether the recipe had no usable weight (ε of its first seed was used). */
  readonly degenerateNoise: boolean;
  /** Decoder blend weight per conditional prototype (sums to 1). */
  readonly weights: Float64Array;
  /** What the blend cannot explain, in pixel units (3 × latentSize², CHW): fine texture. */
  readonly residual: Float64Array;
  /** The prototype with the largest weight, and that weight (1: one clean scene). */
  readonly dominantIndex: number;
  readonly dominantWeight: number;
  /** Entropy (nats) of the blend weights: 0 for one clean scene. */
  readonly blendEntropy: number;
  /** Mode of the dominant prototype (index into the mixture's modes; −1 for an off-prompt scene). */
  readonly modeIndex: number;
  readonly modeKind: SceneModeKind | 'off_prompt';
  /** The continuous part: object poses, lighting, detail. */
  readonly pose: ScenePose;
}

/** A prototype as the sample draws it: its posed layout, style and lighting. */
export interface PosedScene {
  readonly layout: SceneLayout;
  readonly style: RenderStyle;
  readonly lighting: SceneLighting;
}

/** Options of the world model (all optional; defaults are the calibrated reference world). */
export interface WorldModelOptions {
  readonly mixture?: Partial<SceneMixtureOptions>;
  /** How strongly the latent residual shows as texture in the decoded image (default 1). */
  readonly residualGain?: number;
  /** Decoder blend weights below this are not rendered (default 0.02); at most `maxRenders` are. */
  readonly minRenderWeight?: number;
  readonly maxRenders?: number;
  /** Prompts whose mixtures stay cached (default 64). */
  readonly mixtureCacheSize?: number;
}

/** Blend weights at least this large make an object solid enough to count as drawn (see the truth). */
export const SOLID_WEIGHT = 0.5;

/**
 * The reference world's text-to-image model, weights-free: DDIM (sampler/ddim-sampler.ts) over the
 * analytic denoiser of a prompt's scene mixture with classifier-free guidance against a
 * prompt-independent unconditional mixture; the final latent is read as a blend of scene prototypes
 * (which scene, discrete) and the initial noise poses it (where exactly, continuous); rendering
 * composites the posed scenes' full-resolution renders with the blend weights and adds the latent
 * residual as texture. Deterministic: the same item gives the same pixels in any process.
 */
export class ReferenceWorldModel {
  readonly mixtureOptions: SceneMixtureOptions;
  private readonly residualGain: number;
  private readonly minRenderWeight: number;
  private readonly maxRenders: number;
  private readonly mixtures: LruCache<string, Promise<SceneMixture>>;

  constructor(options: WorldModelOptions = {}) {
    this.mixtureOptions = { ...DEFAULT_SCENE_MIXTURE_OPTIONS, ...options.mixture };
    this.residualGain = options.residualGain ?? 1;
    this.minRenderWeight = options.minRenderWeight ?? 0.02;
    this.maxRenders = options.maxRenders ?? 3;
    this.mixtures = new LruCache(options.mixtureCacheSize ?? 64);
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

  /** Runs the sampler for one item (no pixels yet). */
  async sample(item: WorldItem, abortSignal?: AbortSignal): Promise<WorldSample> {
    const mixture = await this.mixtureFor(item.prompt);
    const { noise, degenerate } = noiseFromRecipe(item.noise, mixture.bank.dimension);
    const result = sampleDdim({
      conditional: mixture.conditional,
      unconditional: mixture.unconditional,
      guidance: item.guidance,
      steps: item.steps,
      noise,
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });
    return this.describe(mixture, result.sample, noise, result.nfe, degenerate);
  }

  /**
   * What a latent x₀ of a prompt's mixture shows (its blend and residual), posed by the initial noise x_T:
   * how `sample` reads its result, and how a resumed trajectory (sampler/segment-sampler.ts) or an x̂₀
   * preview is read.
   */
  describe(mixture: SceneMixture, latent: Float64Array, noise: ArrayLike<number>, nfe: number, degenerateNoise: boolean): WorldSample {
    const reading = readLatent(mixture.basis, latent);
    let dominantIndex = 0;
    let blendEntropy = 0;
    reading.weights.forEach((weight, index) => {
      if (weight > (reading.weights[dominantIndex] ?? 0)) dominantIndex = index;
      if (weight > 0) blendEntropy -= weight * Math.log(weight);
    });
    const modeIndex = mixture.prototypes[dominantIndex]?.modeIndex ?? -1;
    return {
      mixture,
      nfe,
      degenerateNoise,
      weights: reading.weights,
      residual: reading.residual.map((value) => value / this.mixtureOptions.latentScale),
      dominantIndex,
      dominantWeight: reading.weights[dominantIndex] ?? 0,
      blendEntropy,
      modeIndex,
      modeKind: modeIndex < 0 ? 'off_prompt' : (mixture.modes[modeIndex]?.kind ?? 'off_prompt'),
      pose: poseFromNoise(noise),
    };
  }

  /** How the sample draws one of its prototypes: the prototype's layout posed by the noise, its style with the noise's detail, the noise's light. */
  posedScene(sample: WorldSample, prototypeIndex: number): PosedScene {
    const prototype = sample.mixture.prototypes[prototypeIndex];
    if (prototype === undefined) throw new RangeError(`no prototype ${prototypeIndex}`);
    return {
      layout: poseLayout(prototype.layout, sample.pose, prototype.layoutSeed),
      style: clampStyle({ ...prototype.style, detail: prototype.style.detail + sample.pose.detailShift }),
      lighting: sample.pose.lighting,
    };
  }

  /** The prototypes a render shows, heaviest first (weights ≥ minRenderWeight, at most maxRenders). */
  renderedPrototypes(sample: WorldSample): number[] {
    const chosen = [...sample.weights.keys()].filter((index) => (sample.weights[index] ?? 0) >= this.minRenderWeight).sort((left, right) => (sample.weights[right] ?? 0) - (sample.weights[left] ?? 0)).slice(0, this.maxRenders);
    return chosen.length === 0 ? [sample.dominantIndex] : chosen;
  }

  /** The sample's pixels at a size: interleaved 8-bit RGB, height × width × 3. */
  async render(sample: WorldSample, width: number, height: number): Promise<Uint8Array> {
    const chosen = this.renderedPrototypes(sample);
    const renders = await Promise.all(
      chosen.map(async (index) => {
        const scene = this.posedScene(sample, index);
        return { weight: sample.weights[index] ?? 0, rgb: await renderSceneRaw(scene.layout, scene.style, width, height, scene.lighting) };
      }),
    );
    return compositeImage({ renders, residual: sample.residual, latentSize: this.mixtureOptions.latentSize, width, height, residualGain: this.residualGain });
  }
}
