import { describe, expect, it } from 'vitest';
import { detectObjects } from '../../../src/reference-world/reward-models/object-detector.js';
import { COCO_CLASSES } from '../../../src/reference-world/scene/coco-classes.js';
import { GENEVAL_COLORS } from '../../../src/reference-world/scene/geneval-spec.js';
import { NEUTRAL_STYLE } from '../../../src/reference-world/scene/render-style.js';
import type { PlacedObject } from '../../../src/reference-world/scene/scene-layout.js';
import { renderSceneRaw } from '../../../src/reference-world/scene/scene-renderer.js';

const SIDE = 256;

/** The confident detections (GenEval's 0.3 threshold) of a rendered layout. */
async function detect(objects: PlacedObject[], backgroundHue = 100, lighting?: Parameters<typeof renderSceneRaw>[4]): Promise<ReturnType<typeof detectObjects>> {
  const raw = await renderSceneRaw({ objects, backgroundHue }, NEUTRAL_STYLE, SIDE, SIDE, lighting);
  return detectObjects(raw, SIDE, SIDE, 3).filter((detection) => detection.confidence >= 0.3);
}

describe('detectObjects', () => {
  it('recognises nearly every class from its silhouette alone, in its colour, where it was drawn', async () => {
    // Prepare
    const misses: string[] = [];

    // Act
    for (const [index, className] of COCO_CLASSES.entries()) {
      const color = GENEVAL_COLORS[index % GENEVAL_COLORS.length] ?? 'red';
      const cx = 0.4 + (index % 3) * 0.1;
      const [found] = await detect([{ class: className, color, cx, cy: 0.5, size: 0.5 }], (index * 37) % 360);
      const placed = found !== undefined && Math.abs(found.cx - cx) < 0.05 && Math.abs(found.cy - 0.5) < 0.05;
      if (found?.class !== className || found.color !== color || !placed) misses.push(`${color} ${className} -> ${found ? `${found.color} ${found.class}` : 'nothing'}`);
    }

    // Assess: a small detector, not an oracle: at most 8 of the 80 upright classes are misread
    expect(misses.length, misses.join('; ')).toBeLessThanOrEqual(8);
  });

  it('merges objects that touch into one detection (a detector miscounts them)', async () => {
    // Act
    const apart = await detect([{ class: 'dog', color: 'brown', cx: 0.25, cy: 0.5, size: 0.35 }, { class: 'dog', color: 'brown', cx: 0.75, cy: 0.5, size: 0.35 }]);
    const touching = await detect([{ class: 'dog', color: 'brown', cx: 0.4, cy: 0.5, size: 0.4 }, { class: 'dog', color: 'brown', cx: 0.6, cy: 0.5, size: 0.4 }]);

    // Assess
    expect(apart.map((detection) => detection.class)).toEqual(['dog', 'dog']);
    expect(touching.filter((detection) => detection.class === 'dog').length).toBeLessThan(2);
  });

  it('misreads or misses an object too small to show its silhouette', async () => {
    // Act
    const large = await detect([{ class: 'cat', color: 'orange', cx: 0.5, cy: 0.5, size: 0.5 }]);
    const tiny = await detect([{ class: 'cat', color: 'orange', cx: 0.5, cy: 0.5, size: 0.04 }]);

    // Assess
    expect(large[0]?.class).toBe('cat');
    expect(tiny.some((detection) => detection.class === 'cat')).toBe(false);
  });

  it('keeps reading a colour under tinted, uneven light (white balance from the border)', async () => {
    // Act
    const warm = await detect([{ class: 'cup', color: 'white', cx: 0.5, cy: 0.5, size: 0.5 }], 200, { gradientX: 0, gradientY: 0, temperature: 1, exposure: 0 });
    const coolDark = await detect([{ class: 'cup', color: 'pink', cx: 0.5, cy: 0.5, size: 0.5 }], 30, { gradientX: 0.5, gradientY: 0, temperature: -1, exposure: -0.5 });

    // Assess
    expect(warm[0]).toMatchObject({ class: 'cup', color: 'white' });
    expect(coolDark[0]).toMatchObject({ class: 'cup', color: 'pink' });
  });

  it('finds nothing in clutter alone', async () => {
    // Act
    const raw = await renderSceneRaw({ objects: [], backgroundHue: 75 }, { ...NEUTRAL_STYLE, clutter: 1, detail: 1, lighting: 1 }, SIDE, SIDE);

    // Assess
    expect(detectObjects(raw, SIDE, SIDE, 3).filter((detection) => detection.confidence >= 0.3)).toEqual([]);
  });

  it('reads RGBA like RGB and tolerates empty or short input', async () => {
    // Prepare
    const layout = { objects: [{ class: 'giraffe', color: 'yellow' as const, cx: 0.4, cy: 0.6, size: 0.4 }], backgroundHue: 300 };
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
    expect(fromRgb[0]).toMatchObject({ class: 'giraffe', color: 'yellow' });
    expect(fromRgb[0]?.cx).toBeCloseTo(0.4, 1);
    expect(fromRgb[0]?.cy).toBeCloseTo(0.6, 1);
    expect(fromRgba).toEqual(fromRgb);
    expect(detectObjects(new Uint8Array(0), 0, 0, 3)).toEqual([]);
    expect(detectObjects(new Uint8Array(10), 64, 64, 3)).toEqual([]);
  });
});
