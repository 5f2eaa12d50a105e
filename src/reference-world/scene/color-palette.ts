import type { GenevalColor } from './geneval-spec.js';

/** An sRGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * The fill of each GenEval colour: well apart in hue (chromatic colours), in lightness (pink vs red,
 * brown vs orange) and far from the low-chroma, mid-lightness backgrounds (black and white).
 */
export const PALETTE_RGB: Readonly<Record<GenevalColor, Rgb>> = {
  red: [222, 30, 36],
  orange: [247, 128, 18],
  yellow: [246, 214, 30],
  green: [36, 158, 56],
  blue: [28, 86, 232],
  purple: [132, 44, 190],
  pink: [246, 126, 196],
  brown: [122, 72, 34],
  black: [22, 22, 24],
  white: [248, 248, 246],
};

/** Linear blend of two colours (t = 0 → a, 1 → b). */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** A colour from HSL (hue in degrees, saturation and lightness 0..1). */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const h = (((hue % 360) + 360) % 360) / 60;
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const m = lightness - chroma / 2;
  const [r, g, b] = h < 1 ? [chroma, x, 0] : h < 2 ? [x, chroma, 0] : h < 3 ? [0, chroma, x] : h < 4 ? [0, x, chroma] : h < 5 ? [x, 0, chroma] : [chroma, 0, x];
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

/** Applies a style's saturation (chroma scale around luma) and contrast (around mid-grey) to a colour. */
export function styleRgb(color: Rgb, saturation: number, contrast: number): Rgb {
  const luma = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2];
  const out = color.map((channel) => {
    const saturated = luma + (channel - luma) * saturation;
    const contrasted = 127.5 + (saturated - 127.5) * contrast;
    return Math.min(255, Math.max(0, contrasted));
  });
  return [out[0] ?? 0, out[1] ?? 0, out[2] ?? 0];
}

/** `#rrggbb` of a colour (rounded, clamped). */
export function toHex(color: Rgb): string {
  return `#${color
    .map((channel) => Math.min(255, Math.max(0, Math.round(channel))).toString(16).padStart(2, '0'))
    .join('')}`;
}
