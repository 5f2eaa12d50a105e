import sharp from 'sharp';
import { ReferenceImageScorer } from './image-scorer-base.js';
import type { ItemScore, ReferenceScorerConfig } from './image-scorer-base.js';
import { InvalidImageError } from './invalid-image-error.js';

/** JPEG quality of DDPO's compressibility reward. */
export const COMPRESSIBILITY_JPEG_QUALITY = 95;

/** Which of DDPO's two rewards: smaller JPEG is better, or larger JPEG is better. */
export type CompressibilityModel = 'compressibility' | 'incompressibility';

/** JPEG bytes per pixel of an image at quality 95 (undecodable bytes throw InvalidImageError). */
export async function jpegBytesPerPixel(bytes: Uint8Array, mediaType?: string): Promise<number> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .jpeg({ quality: COMPRESSIBILITY_JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return data.byteLength / (info.width * info.height);
  } catch (error) {
    throw new InvalidImageError(`could not decode image: ${error instanceof Error ? error.message : String(error)}`, { ...(mediaType === undefined ? {} : { mediaType }), cause: error });
  }
}

/**
 * DDPO's JPEG rewards (Black et al. 2023): `compressibility` = minus the JPEG (quality 95) size in
 * bytes per pixel, `incompressibility` = plus it. Higher is better for each; the prompt is ignored.
 */
export class ReferenceCompressibilityScorer extends ReferenceImageScorer {
  readonly modelId: CompressibilityModel;
  readonly range: { readonly min: number; readonly max: number };
  /** Bytes per pixel depend on the resolution and on fine texture a preview lacks: its preview scores mean nothing. */
  readonly judgesPreviews = false;

  constructor(modelId: CompressibilityModel = 'compressibility', config: ReferenceScorerConfig = {}) {
    super(config);
    this.modelId = modelId;
    this.range = modelId === 'compressibility' ? { min: -4, max: 0 } : { min: 0, max: 4 };
  }

  protected async scoreImage(bytes: Uint8Array, _prompt: string, mediaType: string | undefined): Promise<ItemScore> {
    const bytesPerPixel = await jpegBytesPerPixel(bytes, mediaType);
    return { score: this.modelId === 'compressibility' ? -bytesPerPixel : bytesPerPixel };
  }
}
