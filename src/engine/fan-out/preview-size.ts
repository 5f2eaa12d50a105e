/** Smallest preview side (the reference generator's minimum). */
const MIN_PREVIEW_SIDE = 64;

/**
 * The size of x̂₀ previews for images of a size: a quarter of each side, rounded to a multiple of 8, at
 * least 64 (never more than the image): cheap to decode, encode, move and score.
 */
export function previewSize(width: number, height: number): { width: number; height: number } {
  const side = (value: number): number => Math.min(value, Math.max(MIN_PREVIEW_SIDE, Math.round(value / 4 / 8) * 8));
  return { width: side(width), height: side(height) };
}
