import { describe, expect, it } from 'vitest';
import { compileGlyph, shapeBounds } from '../../../src/reference-world/scene/glyph-geometry.js';
import type { Glyph } from '../../../src/reference-world/scene/glyph-geometry.js';

function bodyBounds(glyph: Glyph): [number, number, number, number] {
  const bounds = glyph.shapes.filter((shape) => !shape.hole).map(shapeBounds);
  return [Math.min(...bounds.map((b) => b[0])), Math.min(...bounds.map((b) => b[1])), Math.max(...bounds.map((b) => b[2])), Math.max(...bounds.map((b) => b[3]))];
}

describe('compileGlyph', () => {
  it('normalises the body into a unit square anchored at the origin', () => {
    // Act
    const glyph = compileGlyph({ d: 'r 2 3 6 3; c 5 7 1; -c 5 4 0.5' });

    // Assess
    expect(glyph.width).toBeCloseTo(1);
    expect(glyph.height).toBeCloseTo(5 / 6);
    const [minX, minY, maxX, maxY] = bodyBounds(glyph);
    expect([minX, minY, maxX, maxY].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 0, 1, Math.round((5 / 6) * 1e6) / 1e6]);
    expect(glyph.shapes.filter((shape) => shape.hole)).toHaveLength(1);
  });

  it('keeps exact bounds for rotated ellipses, lines and polygons', () => {
    // Prepare
    const angles = [0, 17, 45, 90, 133];

    // Act
    const glyphs = angles.map((rot) => compileGlyph({ d: 'e 5 5 4 1 10; l 1 1 3 8 0.8; p 6 1 9 2 8 6', rot }));

    // Assess
    for (const glyph of glyphs) {
      const [minX, minY, maxX, maxY] = bodyBounds(glyph);
      expect(minX).toBeCloseTo(0, 9);
      expect(minY).toBeCloseTo(0, 9);
      expect(Math.max(maxX, maxY)).toBeCloseTo(1, 9);
      expect(maxX).toBeCloseTo(glyph.width, 9);
      expect(maxY).toBeCloseTo(glyph.height, 9);
    }
  });
});
