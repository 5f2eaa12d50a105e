import { FITTED_BASE_HAZARDS, sceneModes, type BaseHazards, type SceneMode } from '../difficulty/failure-model.js';
import { sceneLogPrior } from '../difficulty/scene-prior.js';
import type { LatentMixture } from './analytic-denoiser.js';
import { createDecoderBasis, type DecoderBasis } from './latent-decoder.js';
import { readPrompt, type PromptReading } from './prompt-reading.js';
import { createPrototypeBank, type PrototypeBank } from './prototype-bank.js';
import { renderPrototype, type ScenePrototype } from './scene-prototype.js';
import { UNCONDITIONAL_SCENES, unconditionalPrototypes } from './unconditional-scenes.js';

/**
 * A prompt's conditional latent mixture (its scene modes and a little off-prompt mass) and the
 * unconditional one, over one bank: the prompt's scene prototypes and the common scenes. The
 * unconditional weight of every prototype is the scene prior of its scene (difficulty/scene-prior.ts),
 * a function of the scene alone, so the unconditional density is the same whatever prompt is sampled;
 * the bank only holds the scenes this prompt's sampler can reach.
 */
export interface SceneMixture {
  readonly prompt: string;
  readonly reading: PromptReading;
  readonly modes: readonly SceneMode[];
  /** The conditional bank's prototypes: the prompt's mode variants, then the unconditional scenes. */
  readonly prototypes: readonly ScenePrototype[];
  readonly bank: PrototypeBank;
  readonly conditional: LatentMixture;
  readonly unconditional: LatentMixture;
  readonly basis: DecoderBasis;
}

/** Knobs of the mixture (defaults in `DEFAULT_SCENE_MIXTURE_OPTIONS`). */
export interface SceneMixtureOptions {
  /** Side of the square latent (3 × latentSize × latentSize). */
  readonly latentSize: number;
  /** s², the spread of each component around its prototype (per coordinate, in [−1, 1] pixel units). */
  readonly variance: number;
  /**
   * Latent units per pixel unit (latent = scale · pixels), like the VAE scaling factor of latent diffusion
   * (0.18215 in Stable Diffusion). It sets the signal-to-noise ratio at which scenes become distinguishable,
   * hence how many steps it takes before the sampler commits to one (fewer steps: softer blends).
   */
  readonly latentScale: number;
  /** Base hazards of the failure model (the fitted ones by default). */
  readonly hazards: BaseHazards;
  /** Layout variants of the intended scene and of each failure mode. */
  readonly intendedVariants: number;
  readonly failureVariants: number;
  /**
   * Share of the conditional mixture on the unconditional (off-prompt) scenes: without guidance a model
   * often ignores the prompt altogether (Ho & Salimans 2022, "Classifier-free diffusion guidance":
   * unguided samples are diverse but unfaithful); guidance, which divides by the unconditional density,
   * pushes these samples away.
   */
  readonly offPromptWeight: number;
}

/** Defaults of the reference world's mixture. */
export const DEFAULT_SCENE_MIXTURE_OPTIONS: SceneMixtureOptions = {
  latentSize: 32,
  variance: 0.08 ** 2,
  latentScale: 0.3,
  hazards: FITTED_BASE_HAZARDS,
  intendedVariants: 3,
  failureVariants: 2,
  offPromptWeight: 0.12,
};

/**
 * Builds a prompt's mixtures: read (CLIP window, parse) → failure modes (failure-model.ts) → several
 * layouts per mode → prototypes rendered at latent size. The conditional mixture weights each mode's
 * layouts equally within the mode's probability and keeps a little mass on the common scenes
 * (unconditional-scenes.ts); the unconditional one weighs every prototype by its scene's prior.
 */
export async function buildSceneMixture(prompt: string, options: SceneMixtureOptions = DEFAULT_SCENE_MIXTURE_OPTIONS): Promise<SceneMixture> {
  const reading = readPrompt(prompt);
  const modes = sceneModes({ text: reading.text, parsed: reading.parsed, style: reading.style }, options.hazards);
  const jobs: Promise<ScenePrototype>[] = [];
  const conditionalWeights: number[] = [];
  modes.forEach((mode, modeIndex) => {
    const variants = mode.kind === 'intended' ? options.intendedVariants : options.failureVariants;
    for (let variant = 0; variant < variants; variant += 1) {
      jobs.push(renderPrototype(modeIndex, mode.spec, mode.style, variant, options.latentSize));
      conditionalWeights.push(mode.weight / variants);
    }
  });
  const [sceneProtos, generic] = await Promise.all([Promise.all(jobs), unconditionalPrototypes(options.latentSize)]);
  const prototypes = [...sceneProtos, ...generic];
  const scaled = (prototype: ScenePrototype): Float32Array => (options.latentScale === 1 ? prototype.latent : prototype.latent.map((value) => value * options.latentScale));
  const bank = createPrototypeBank(prototypes.map(scaled));
  const conditionalLog = new Float64Array(prototypes.length);
  const unconditionalLog = new Float64Array(prototypes.length);
  prototypes.forEach((prototype, index) => {
    const spec = index < sceneProtos.length ? modes[prototype.modeIndex]?.spec : UNCONDITIONAL_SCENES[index - sceneProtos.length];
    const variants = index < sceneProtos.length ? (modes[prototype.modeIndex]?.kind === 'intended' ? options.intendedVariants : options.failureVariants) : 1;
    conditionalLog[index] = index < sceneProtos.length ? Math.log((1 - options.offPromptWeight) * (conditionalWeights[index] ?? 0)) : Math.log(options.offPromptWeight / generic.length);
    unconditionalLog[index] = (spec === undefined ? -Infinity : sceneLogPrior(spec)) - Math.log(variants);
  });
  const variance = options.variance * options.latentScale ** 2;
  return {
    prompt,
    reading,
    modes,
    prototypes,
    bank,
    conditional: { bank, logWeights: conditionalLog, variance },
    unconditional: { bank, logWeights: unconditionalLog, variance },
    basis: createDecoderBasis(bank),
  };
}
