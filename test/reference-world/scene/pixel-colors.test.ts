import { describe, expect, it } from 'vitest';
import { PALETTE_RGB, hslToRgb, mixRgb, styleRgb } from '../../../src/reference-world/scene/color-palette.js';
import { GENEVAL_COLORS } from '../../../src/reference-world/scene/geneval-spec.js';
import { BACKGROUND_LABEL, chromaticThreshold, classifyPixel, saturationOf } from '../../../src/reference-world/scene/pixel-colors.js';
import { BACKGROUND_LIGHTNESS, BACKGROUND_SATURATION } from '../../../src/reference-world/scene/scene-renderer.js';

const lightnessOf = (rgb: readonly number[]): number => (Math.max(...rgb) + Math.min(...rgb)) / 510;

describe('classifyPixel', () => {
  it('labels each palette colour as itself on every background hue, under moderate style changes', () => {
    // Prepare
    const styles = [[1, 1], [1.4, 1.2], [0.6, 0.8]] as const;

    // Act / Assess
    for (let hue = 0; hue < 360; hue += 30) {
      for (const [saturation, contrast] of styles) {
        const background = styleRgb(hslToRgb(hue, BACKGROUND_SATURATION, BACKGROUND_LIGHTNESS), saturation, contrast);
        const threshold = chromaticThreshold(saturationOf(...background));
        GENEVAL_COLORS.forEach((color, index) => {
          const pixel = styleRgb(PALETTE_RGB[color], saturation, contrast);
          expect(classifyPixel(pixel[0], pixel[1], pixel[2], lightnessOf(background), threshold), `${color} on hue ${hue}`).toBe(index);
        });
      }
    }
  });

  it('labels the background, and low-contrast clutter near it, as background', () => {
    // Prepare
    const background = hslToRgb(200, BACKGROUND_SATURATION, BACKGROUND_LIGHTNESS);
    const threshold = chromaticThreshold(saturationOf(...background));

    // Act
    const labels = [-0.09, 0, 0.09].map((shift) => {
      const clutter = hslToRgb(240, 0.05, BACKGROUND_LIGHTNESS + shift);
      return classifyPixel(clutter[0], clutter[1], clutter[2], lightnessOf(background), threshold);
    });

    // Assess
    expect(labels).toEqual([BACKGROUND_LABEL, BACKGROUND_LABEL, BACKGROUND_LABEL]);
    expect(mixRgb([0, 0, 0], [255, 255, 255], 0.5)).toEqual([127.5, 127.5, 127.5]);
  });
});
