import { aestheticFeatures } from '../../reference-world/reward-models/aesthetic-features.js';
import { decodeImage } from './image-input.js';
import { ReferenceImageScorer } from './image-scorer-base.js';
import type { ItemScore, ReferenceScorerConfig } from './image-scorer-base.js';

/** Longest side the aesthetic statistics are computed at (they are defined at this scale). */
export const AESTHETIC_SIDE = 256;

/**
 * Computational-aesthetics scorer (`aesthetic`, 1..10 like the LAION aesthetic predictor): colourfulness,
 * contrast, sharpness, composition and cleanliness from pixel statistics; formula in aesthetic-features.ts.
 * The prompt is ignored.
 */
export class ReferenceAestheticScorer extends ReferenceImageScorer {
  readonly modelId = 'aesthetic';
  readonly range = { min: 1, max: 10 } as const;
  /** Composition, colour and contrast already show on a low-resolution x̂₀ preview. */
  readonly judgesPreviews = true;

  constructor(config: ReferenceScorerConfig = {}) {
    super(config);
  }

  protected async scoreImage(bytes: Uint8Array, _prompt: string, mediaType: string | undefined): Promise<ItemScore> {
    const image = await decodeImage(bytes, AESTHETIC_SIDE, mediaType);
    return { score: aestheticFeatures(image.data, image.width, image.height, image.channels).score };
  }
}
