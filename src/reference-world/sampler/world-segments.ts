import type { NoiseRecipe } from '../../ports/index.js';
import { noiseFromRecipe } from './recipe-noise.js';
import { renoiseLatent, sampleSegment } from './segment-sampler.js';
import type { ReferenceWorldModel, WorldItem, WorldSample } from './world-model.js';

/** One segment of a trajectory in the reference world (generator v2). */
export interface WorldSegmentItem extends WorldItem {
  /** First position to run (default: the start latent's position, else 0). */
  readonly from: number;
  /** Position to stop at (exclusive; `steps` for a final image). */
  readonly to: number;
  /** The latent to resume and its position; absent: x_T from the noise recipe (from must be 0). */
  readonly start?: { readonly latent: Float64Array; readonly step: number };
  /** Re-noise the start latent back to `from` with this noise first. */
  readonly renoise?: NoiseRecipe;
  readonly eta?: number;
  readonly seed?: number;
}

/** What a segment left: the latent at `to`, the sample it shows (the image when finished, the x̂₀ preview before), its NFEs. */
export interface WorldSegment {
  readonly latent: Float64Array;
  /** The final sample (to = steps), or what x̂₀ of the last step shows (to < steps). */
  readonly sample: WorldSample;
  readonly nfe: number;
}

/**
 * Runs one segment of an item's schedule in the world model: the same mixtures and DDIM as
 * `ReferenceWorldModel.sample` (so [0, steps) from the noise is that sample), resumable from any latent it
 * returned, with re-noising and η > 0. The scene's pose comes from the trajectory's origin noise (x_T of
 * `noise`), as in `sample`; the scene itself from where the latent goes.
 */
export async function sampleWorldSegment(world: ReferenceWorldModel, item: WorldSegmentItem, abortSignal?: AbortSignal): Promise<WorldSegment> {
  const mixture = await world.mixtureFor(item.prompt);
  const dimension = mixture.bank.dimension;
  const origin = noiseFromRecipe(item.noise, dimension);
  let start: Float64Array = origin.noise;
  if (item.start) {
    if (item.start.latent.length !== dimension) throw new RangeError(`checkpoint latent has ${item.start.latent.length} values, this prompt's latent ${dimension}`);
    start = item.start.latent;
    if (item.renoise) start = renoiseLatent(start, item.steps, item.start.step, item.from, noiseFromRecipe(item.renoise, dimension).noise);
  } else if (item.from !== 0) {
    throw new RangeError(`a trajectory starts from its noise at position 0, not ${item.from}`);
  }
  const result = sampleSegment({
    conditional: mixture.conditional,
    unconditional: mixture.unconditional,
    guidance: item.guidance,
    steps: item.steps,
    from: item.from,
    to: item.to,
    start,
    ...(item.eta !== undefined ? { eta: item.eta } : {}),
    ...(item.seed !== undefined ? { seed: item.seed } : {}),
    ...(abortSignal === undefined ? {} : { abortSignal }),
  });
  const shown = item.to >= item.steps ? result.latent : result.predicted;
  return { latent: result.latent, sample: world.describe(mixture, shown, origin.noise, result.nfe, origin.degenerate), nfe: result.nfe };
}
