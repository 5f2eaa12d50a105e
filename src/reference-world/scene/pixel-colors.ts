import { GENEVAL_COLORS } from './geneval-spec.js';
import type { GenevalColor } from './geneval-spec.js';

/** Label of a pixel that belongs to the background (no GenEval colour). */
export const BACKGROUND_LABEL = 255;

/** Thresholds of the pixel colour classifier (lightness and chroma in 0..1). */
export const PIXEL_COLOR_THRESHOLDS = {
  /** A pixel is chromatic when its HSV saturation exceeds the background's by this margin… */
  saturationMargin: 0.1,
  /** …and is at least this (whatever the background)… */
  minSaturation: 0.14,
  /** …and its chroma (max - min channel) is at least this. */
  minChroma: 0.06,
  /** An achromatic pixel this much darker / lighter than the local background is black / white. */
  blackDelta: -0.18,
  whiteDelta: 0.15,
  /** Orange-hued pixels this much darker than the background are brown; red-hued this much lighter are pink. */
  brownDelta: -0.17,
  pinkDelta: 0.15,
  /** Below this absolute lightness a pixel is black whatever its hue. */
  blackLightness: 0.08,
} as const;

/** HSV saturation of a pixel (0 for black). */
export function saturationOf(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  return max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
}

/** The saturation a pixel needs to count as chromatic on a background of the given saturation. */
export function chromaticThreshold(backgroundSaturation: number): number {
  return Math.max(PIXEL_COLOR_THRESHOLDS.minSaturation, backgroundSaturation + PIXEL_COLOR_THRESHOLDS.saturationMargin);
}

/** Hue in degrees (0..360) of an RGB pixel, given its max and min channel. */
function hueOf(r: number, g: number, b: number, max: number, min: number): number {
  const delta = max - min;
  if (delta === 0) return 0;
  let hue: number;
  if (max === r) hue = ((g - b) / delta) % 6;
  else if (max === g) hue = (b - r) / delta + 2;
  else hue = (r - g) / delta + 4;
  hue *= 60;
  return hue < 0 ? hue + 360 : hue;
}

/**
 * The GenEval colour of one pixel (index into GENEVAL_COLORS) or BACKGROUND_LABEL, judged against the
 * local background: chromatic pixels (HSV saturation well above the background's, so multiplicative
 * lighting cancels) by hue (brown = dark orange, pink = light red), achromatic pixels by lightness
 * relative to the background (black / white); everything close to the background is background.
 */
export function classifyPixel(r: number, g: number, b: number, backgroundLightness: number, saturationThreshold: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 510;
  const chroma = (max - min) / 255;
  const saturation = max === 0 ? 0 : (max - min) / max;
  const delta = lightness - backgroundLightness;
  const t = PIXEL_COLOR_THRESHOLDS;
  if (lightness < t.blackLightness) return BLACK;
  if (saturation < saturationThreshold || chroma < t.minChroma) {
    if (delta < t.blackDelta) return BLACK;
    if (delta > t.whiteDelta) return WHITE;
    return BACKGROUND_LABEL;
  }
  const hue = hueOf(r, g, b, max, min);
  if (hue >= 8 && hue < 45 && delta < t.brownDelta) return BROWN;
  if (hue >= 345 || hue < 12) return delta > t.pinkDelta ? PINK : RED;
  if (hue < 42) return ORANGE;
  if (hue < 72) return YELLOW;
  if (hue < 165) return GREEN;
  if (hue < 255) return BLUE;
  if (hue < 295) return PURPLE;
  return PINK;
}

const index = (color: GenevalColor): number => GENEVAL_COLORS.indexOf(color);
const RED = index('red');
const ORANGE = index('orange');
const YELLOW = index('yellow');
const GREEN = index('green');
const BLUE = index('blue');
const PURPLE = index('purple');
const PINK = index('pink');
const BROWN = index('brown');
const BLACK = index('black');
const WHITE = index('white');
