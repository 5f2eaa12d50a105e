import { describe, expect, it } from 'vitest';
import { COCO_CLASSES } from '../../../src/reference-world/scene/coco-classes.js';
import { GENEVAL_COLORS } from '../../../src/reference-world/scene/geneval-spec.js';
import { detectObjects } from '../../../src/reference-world/reward-models/object-detector.js';
import { NEUTRAL_STYLE } from '../../../src/reference-world/scene/render-style.js';
import type { PlacedObject } from '../../../src/reference-world/scene/scene-layout.js';
import { renderSceneRaw } from '../../../src/reference-world/scene/scene-renderer.js';

/** All 80 classes on a 9x9 grid, colours rotated by `shift`. */
function sheet(shift: number): PlacedObject[] {
  return COCO_CLASSES.map((name, index) => ({
    class: name,
    color: GENEVAL_COLORS[(index + shift) % GENEVAL_COLORS.length] ?? 'red',
    cx: (0.5 + (index % 9)) / 9,
    cy: (0.5 + Math.floor(index / 9)) / 9,
    size: 0.095,
  }));
}

describe('detectObjects', () => {
  it('finds every class in every colour, where it was drawn', async () => {
    // Prepare
    const side = 768;
    const misses: string[] = [];

    // Act
    for (let shift = 0; shift < GENEVAL_COLORS.length; shift += 1) {
      const objects = sheet(shift);
      const detections = detectObjects(await renderSceneRaw({ objects, backgroundHue: shift * 36 }, NEUTRAL_STYLE, side, side), side, side, 3);
      for (const object of objects) {
        const found = detections.find((detection) => Math.abs(detection.cx - object.cx) < 0.02 && Math.abs(detection.cy - object.cy) < 0.02);
        if (found?.class !== object.class || found.color !== object.color) misses.push(`${object.color} ${object.class} -> ${found ? `${found.color} ${found.class}` : 'nothing'}`);
      }
      expect(detections).toHaveLength(objects.length);
    }

    // Assess
    expect(misses).toEqual([]);
  });

  it('finds nothing in clutter alone', async () => {
    // Act
    const raw = await renderSceneRaw({ objects: [], backgroundHue: 75 }, { ...NEUTRAL_STYLE, clutter: 1, detail: 1, lighting: 1 }, 256, 256);

    // Assess
    expect(detectObjects(raw, 256, 256, 3)).toEqual([]);
  });

  it('reads RGBA like RGB and tolerates empty or short input', async () => {
    // Prepare
    const layout = { objects: [{ class: 'giraffe', color: 'pink' as const, cx: 0.4, cy: 0.6, size: 0.4 }], backgroundHue: 300 };
    const rgb = await renderSceneRaw(layout, NEUTRAL_STYLE, 200, 160);
    const rgba = new Uint8Array(200 * 160 * 4);
    for (let p = 0; p < 200 * 160; p += 1) {
      rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = 255;
    }

    // Act
    const fromRgb = detectObjects(rgb, 200, 160, 3);
    const fromRgba = detectObjects(rgba, 200, 160, 4);

    // Assess
    expect(fromRgb).toHaveLength(1);
    expect(fromRgb[0]).toMatchObject({ class: 'giraffe', color: 'pink' });
    expect(fromRgb[0]?.cx).toBeCloseTo(0.4, 1);
    expect(fromRgb[0]?.cy).toBeCloseTo(0.6, 1);
    expect(fromRgba).toEqual(fromRgb);
    expect(detectObjects(new Uint8Array(0), 0, 0, 3)).toEqual([]);
    expect(detectObjects(new Uint8Array(10), 64, 64, 3)).toEqual([]);
  });
});
