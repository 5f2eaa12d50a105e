import { typicalColorsOf } from '../scene/class-natural-colors.js';
import { PALETTE_RGB } from '../scene/color-palette.js';
import type { Rgb } from '../scene/color-palette.js';
import type { GenevalColor } from '../scene/geneval-spec.js';

/** CIELAB (D65) of an sRGB colour. */
export function rgbToLab(color: Rgb): [number, number, number] {
  const linear = color.map((channel) => {
    const value = channel / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  const [r = 0, g = 0, b = 0] = linear;
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference ΔE*ab between two GenEval colours' palette fills. */
export function colorDistance(first: GenevalColor, second: GenevalColor): number {
  const a = rgbToLab(PALETTE_RGB[first]);
  const b = rgbToLab(PALETTE_RGB[second]);
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * How unusual a colour is for a class, 0 (one of its usual colours) .. 1 (ΔE ≥ 100 from every usual
 * colour): a purple bear is far from brown, black and white; a brown bear is not unusual at all.
 */
export function colorAtypicality(className: string, color: GenevalColor): number {
  const nearest = Math.min(...typicalColorsOf(className).map((usual) => colorDistance(usual, color)));
  return Math.min(1, nearest / 100);
}
