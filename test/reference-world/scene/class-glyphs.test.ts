import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GLYPH_SOURCES, glyphFor } from '../../../src/reference-world/scene/class-glyphs.js';
import { COCO_CLASSES } from '../../../src/reference-world/scene/coco-classes.js';
import { renderSceneRaw } from '../../../src/reference-world/scene/scene-renderer.js';
import { NEUTRAL_STYLE } from '../../../src/reference-world/scene/render-style.js';

describe('glyphFor', () => {
  it('has a glyph for every COCO class with a moderate aspect ratio', () => {
    // Act
    const aspects = COCO_CLASSES.map((name) => glyphFor(name).width / glyphFor(name).height);

    // Assess
    expect(Object.keys(GLYPH_SOURCES).sort()).toEqual([...COCO_CLASSES].sort());
    for (const aspect of aspects) {
      expect(aspect).toBeGreaterThanOrEqual(0.55);
      expect(aspect).toBeLessThanOrEqual(1.85);
    }
  });

  it('gives every class a silhouette distinct from every other', async () => {
    // Prepare: each glyph alone, white on a dark background
    const side = 24;
    const masks = await Promise.all(
      COCO_CLASSES.map(async (name) => {
        const raw = await renderSceneRaw({ objects: [{ class: name, color: 'white', cx: 0.5, cy: 0.5, size: 0.9 }], backgroundHue: 0 }, { ...NEUTRAL_STYLE, detail: 0.3, clutter: 0, lighting: 0, washout: 0 }, 96, 96);
        const small = await sharp(Buffer.from(raw), { raw: { width: 96, height: 96, channels: 3 } }).resize(side, side).raw().toBuffer();
        return Array.from({ length: side * side }, (_, p) => ((small[p * 3] ?? 0) > 200 ? 1 : 0));
      }),
    );

    // Act
    let closest = Infinity;
    for (let i = 0; i < masks.length; i += 1) {
      for (let j = i + 1; j < masks.length; j += 1) {
        let differing = 0;
        for (let p = 0; p < side * side; p += 1) differing += Number(masks[i]?.[p] !== masks[j]?.[p]);
        closest = Math.min(closest, differing);
      }
    }

    // Assess: at least 4% of the pixels differ between any two silhouettes
    expect(closest).toBeGreaterThan(0.04 * side * side);
  });
});
