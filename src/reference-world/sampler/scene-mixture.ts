import { DEFAULT_FAILURE_RATES, sceneModes, type FailureRates, type SceneMode } from '../scene/scene-failures.js';
import type { GenevalSpec } from '../scene/geneval-spec.js';
import { parsePrompt, type ParsedPrompt } from '../scene/prompt-parser.js';
import { NEUTRAL_STYLE, styleFromModifiers, type RenderStyle } from '../scene/render-style.js';
import { layoutScene, type SceneLayout } from '../scene/scene-layout.js';
import { renderSceneRgb } from '../scene/scene-renderer.js';
import type { LatentMixture } from './analytic-denoiser.js';
import { createDecoderBasis, type DecoderBasis } from './latent-decoder.js';
import { mix32 } from './normal-rng.js';
import { createPrototypeBank, type PrototypeBank } from './prototype-bank.js';

/** One latent prototype: a concrete layout of one scene mode, rendered small. */
export interface ScenePrototype {
  /** Index into `SceneMixture.modes`, or −1 for a generic (unconditional-only) scene. */
  readonly modeIndex: number;
  readonly layout: SceneLayout;
  readonly style: RenderStyle;
  /** CHW float RGB in [−1, 1] at latentSize × latentSize. */
  readonly latent: Float32Array;
}

/** A prompt's conditional and unconditional latent mixtures over one shared bank of scene prototypes. */
export interface SceneMixture {
  readonly prompt: string;
  readonly parsed: ParsedPrompt;
  readonly modes: readonly SceneMode[];
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
  readonly rates: FailureRates;
  /** Layout variants of the intended scene and of each failure mode. */
  readonly intendedVariants: number;
  readonly failureVariants: number;
  /**
   * Exponent β < 1 that flattens the conditional weights into the unconditional ones (π_u ∝ π_c^β). Guidance g
   * then tilts mode choice roughly like π_c^(g − β(g − 1)): the likelier scenes get likelier, modestly.
   */
  readonly unconditionalFlatness: number;
  /** Share of the unconditional mixture on generic, prompt-independent scenes. */
  readonly genericWeight: number;
  /**
   * Share of the conditional mixture on the same generic scenes: without guidance a model often ignores the
   * prompt altogether (Ho & Salimans 2022, "Classifier-free diffusion guidance": unguided samples are diverse
   * but unfaithful); guidance, which divides by the unconditional density, pushes these samples away.
   */
  readonly offPromptWeight: number;
}

/** Defaults of the reference world's mixture. */
export const DEFAULT_SCENE_MIXTURE_OPTIONS: SceneMixtureOptions = {
  latentSize: 32,
  variance: 0.08 ** 2,
  latentScale: 0.3,
  rates: DEFAULT_FAILURE_RATES,
  intendedVariants: 3,
  failureVariants: 3,
  unconditionalFlatness: 0.8,
  genericWeight: 0.3,
  offPromptWeight: 0.12,
};

/**
 * What the model draws with no prompt at all: a few scenes of the commonest photo subjects (an
 * unconditional model's mass sits on typical training images, not on the prompt's scene).
 */
const GENERIC_SCENES: readonly GenevalSpec[] = [
  { include: [{ class: 'person', count: 1 }] },
  { include: [{ class: 'car', count: 1 }] },
  { include: [{ class: 'dog', count: 1 }] },
  { include: [{ class: 'cat', count: 1 }] },
  { include: [{ class: 'chair', count: 1 }, { class: 'dining table', count: 1 }] },
  { include: [{ class: 'bird', count: 2 }] },
];

/** A deterministic 32-bit layout seed for (scene, variant): FNV-1a of the spec's JSON, mixed with the variant. */
export function layoutSeedFor(spec: GenevalSpec, variant: number): number {
  const text = JSON.stringify(spec.include);
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return mix32((hash ^ Math.imul(variant + 1, 0x9e3779b9)) >>> 0);
}

/** Renders one layout at latent size as a prototype. */
async function renderPrototype(modeIndex: number, spec: GenevalSpec, style: RenderStyle, variant: number, latentSize: number): Promise<ScenePrototype> {
  const layout = layoutScene(spec, layoutSeedFor(spec, variant));
  const latent = await renderSceneRgb(layout, style, latentSize, latentSize);
  return { modeIndex, layout, style, latent };
}

let genericPrototypes: Promise<ScenePrototype[]> | undefined;
let genericLatentSize = 0;

/** The generic scenes' prototypes, rendered once per process. */
function genericScenePrototypes(latentSize: number): Promise<ScenePrototype[]> {
  if (genericPrototypes === undefined || genericLatentSize !== latentSize) {
    genericLatentSize = latentSize;
    genericPrototypes = Promise.all(GENERIC_SCENES.map((spec, index) => renderPrototype(-1, spec, NEUTRAL_STYLE, index, latentSize)));
  }
  return genericPrototypes;
}

/**
 * Builds a prompt's mixtures: parse → failure modes (scene-failures.ts) → several layouts per mode →
 * prototypes rendered at latent size. The conditional mixture weights each mode's layouts equally within
 * the mode's probability and keeps a little mass on generic, off-prompt scenes; the unconditional one
 * flattens the prompt's weights (π^β) and puts more mass on the generic scenes.
 */
export async function buildSceneMixture(prompt: string, options: SceneMixtureOptions = DEFAULT_SCENE_MIXTURE_OPTIONS): Promise<SceneMixture> {
  const parsed = parsePrompt(prompt);
  const style = styleFromModifiers(parsed.modifiers);
  const modes = sceneModes(prompt, parsed, style, options.rates);
  const jobs: Promise<ScenePrototype>[] = [];
  const conditionalWeights: number[] = [];
  modes.forEach((mode, modeIndex) => {
    const variants = mode.kind === 'intended' ? options.intendedVariants : options.failureVariants;
    for (let variant = 0; variant < variants; variant += 1) {
      jobs.push(renderPrototype(modeIndex, mode.spec, mode.style, variant, options.latentSize));
      conditionalWeights.push(mode.weight / variants);
    }
  });
  const [sceneProtos, generic] = await Promise.all([Promise.all(jobs), genericScenePrototypes(options.latentSize)]);
  const prototypes = [...sceneProtos, ...generic];
  const bank = createPrototypeBank(prototypes.map((prototype) => (options.latentScale === 1 ? prototype.latent : prototype.latent.map((value) => value * options.latentScale))));
  const conditionalLog = new Float64Array(prototypes.length).fill(-Infinity);
  const unconditionalLog = new Float64Array(prototypes.length);
  const flattened = conditionalWeights.map((weight) => Math.pow(weight, options.unconditionalFlatness));
  const flattenedSum = flattened.reduce((sum, weight) => sum + weight, 0);
  prototypes.forEach((_, index) => {
    if (index < sceneProtos.length) {
      conditionalLog[index] = Math.log((1 - options.offPromptWeight) * conditionalWeights[index]);
      unconditionalLog[index] = Math.log(((1 - options.genericWeight) * flattened[index]) / flattenedSum);
    } else {
      conditionalLog[index] = Math.log(options.offPromptWeight / generic.length);
      unconditionalLog[index] = Math.log(options.genericWeight / generic.length);
    }
  });
  return {
    prompt,
    parsed,
    modes,
    prototypes,
    bank,
    conditional: { bank, logWeights: conditionalLog, variance: options.variance * options.latentScale ** 2 },
    unconditional: { bank, logWeights: unconditionalLog, variance: options.variance * options.latentScale ** 2 },
    basis: createDecoderBasis(bank),
  };
}
