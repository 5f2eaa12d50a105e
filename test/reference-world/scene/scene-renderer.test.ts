import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GENEVAL_COLORS } from '../../../src/reference-world/scene/geneval-spec.js';
import { NEUTRAL_STYLE } from '../../../src/reference-world/scene/render-style.js';
import type { RenderStyle } from '../../../src/reference-world/scene/render-style.js';
import type { SceneLayout } from '../../../src/reference-world/scene/scene-layout.js';
import { renderSceneRaw, renderSceneRgb, renderScenePng, renderSceneSvg } from '../../../src/reference-world/scene/scene-renderer.js';

const LAYOUT: SceneLayout = {
  objects: [
    { class: 'dog', color: 'brown', cx: 0.3, cy: 0.35, size: 0.3 },
    { class: 'fire hydrant', color: 'red', cx: 0.72, cy: 0.62, size: 0.3 },
  ],
  backgroundHue: 140,
};

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Mean absolute difference per channel value between two raw renders. */
function difference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

describe('renderSceneSvg', () => {
  it('draws shapes only: no text, no external references', () => {
    // Act
    const svg = renderSceneSvg(LAYOUT, NEUTRAL_STYLE, 256, 256);

    // Assess
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/<text|<image|href=|font/);
  });

  it('rejects sizes outside the supported range', () => {
    // Assess
    expect(() => renderSceneSvg(LAYOUT, NEUTRAL_STYLE, 8, 256)).toThrow(RangeError);
    expect(() => renderSceneSvg(LAYOUT, NEUTRAL_STYLE, 256.5, 256)).toThrow(RangeError);
  });
});

describe('renderScenePng', () => {
  it.each([[64, 64], [512, 512], [1024, 1024], [640, 384]])('renders a %ix%i RGB PNG', async (width, height) => {
    // Act
    const png = await renderScenePng(LAYOUT, NEUTRAL_STYLE, width, height);

    // Assess
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', width, height, 3]);
  });

  it('is byte-identical across calls and across processes', async () => {
    // Prepare
    const moduleUrl = new URL('../../../src/reference-world/scene/scene-renderer.ts', import.meta.url).href;
    const script = `import { renderScenePng } from ${JSON.stringify(moduleUrl)};
import { createHash } from 'node:crypto';
const png = await renderScenePng(${JSON.stringify(LAYOUT)}, ${JSON.stringify(NEUTRAL_STYLE)}, 256, 256);
process.stdout.write(createHash('sha256').update(png).digest('hex'));`;

    // Act
    const first = sha256(await renderScenePng(LAYOUT, NEUTRAL_STYLE, 256, 256));
    const second = sha256(await renderScenePng(LAYOUT, NEUTRAL_STYLE, 256, 256));
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      encoding: 'utf8',
    });

    // Assess
    expect(second).toBe(first);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(first);
  });

  it.each([
    ['detail', { detail: 1 }],
    ['contrast', { contrast: 1.4 }],
    ['saturation', { saturation: 0.2 }],
    ['lighting', { lighting: 1 }],
    ['clutter', { clutter: 1 }],
    ['washout', { washout: 0.8 }],
    ['blur (low detail)', { detail: 0 }],
  ] as [string, Partial<RenderStyle>][])('changes the image when %s changes', async (_, change) => {
    // Act
    const neutral = await renderSceneRaw(LAYOUT, NEUTRAL_STYLE, 128, 128);
    const styled = await renderSceneRaw(LAYOUT, { ...NEUTRAL_STYLE, ...change }, 128, 128);

    // Assess
    expect(difference(neutral, styled)).toBeGreaterThan(0.5);
  });
});

describe('renderSceneRgb', () => {
  it('returns a CHW tensor in [-1, 1]', async () => {
    // Act
    const tensor = await renderSceneRgb(LAYOUT, NEUTRAL_STYLE, 32, 32);

    // Assess
    expect(tensor).toHaveLength(3 * 32 * 32);
    expect(Math.min(...tensor)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...tensor)).toBeLessThanOrEqual(1);
  });

  it('keeps each of the ten colours visibly apart, black and white included', async () => {
    // Prepare: one sports ball per colour, sampled off its centre line
    const means = await Promise.all(
      GENEVAL_COLORS.map(async (color) => {
        const raw = await renderSceneRaw({ objects: [{ class: 'sports ball', color, cx: 0.5, cy: 0.5, size: 0.8 }], backgroundHue: 30 }, NEUTRAL_STYLE, 64, 64);
        const o = (16 * 64 + 16) * 3;
        return [raw[o] ?? 0, raw[o + 1] ?? 0, raw[o + 2] ?? 0];
      }),
    );
    const background = await renderSceneRaw({ objects: [], backgroundHue: 30 }, NEUTRAL_STYLE, 64, 64);

    // Act
    const distances: number[] = [];
    const all = [...means, [background[0] ?? 0, background[1] ?? 0, background[2] ?? 0]];
    for (let i = 0; i < all.length; i += 1) {
      for (let j = i + 1; j < all.length; j += 1) distances.push(Math.max(...[0, 1, 2].map((c) => Math.abs((all[i]?.[c] ?? 0) - (all[j]?.[c] ?? 0)))));
    }

    // Assess: every pair (background included) differs by at least 40 levels in some channel
    expect(Math.min(...distances)).toBeGreaterThan(40);
  });
});

describe('renderSceneRaw with poses and light', () => {
  it('turns and stretches an object with its pose, about its centre', async () => {
    // Prepare
    const upright: SceneLayout = { objects: [{ class: 'bench', color: 'blue', cx: 0.5, cy: 0.5, size: 0.6 }], backgroundHue: 30 };
    const turned: SceneLayout = { objects: [{ class: 'bench', color: 'blue', cx: 0.5, cy: 0.5, size: 0.6, rotation: 15 }], backgroundHue: 30 };
    const stretched: SceneLayout = { objects: [{ class: 'bench', color: 'blue', cx: 0.5, cy: 0.5, size: 0.6, stretchX: 1.1, stretchY: 1 / 1.1 }], backgroundHue: 30 };
    const blueColumns = (raw: Uint8Array): number[] => {
      const columns = new Set<number>();
      for (let p = 0; p < 128 * 128; p += 1) if ((raw[p * 3 + 2] ?? 0) > (raw[p * 3] ?? 0) + 60) columns.add(p % 128);
      return [...columns];
    };

    // Act
    const a = await renderSceneRaw(upright, NEUTRAL_STYLE, 128, 128);
    const b = await renderSceneRaw(turned, NEUTRAL_STYLE, 128, 128);
    const c = await renderSceneRaw(stretched, NEUTRAL_STYLE, 128, 128);

    // Assess: different pixels, same place (centre column), the stretched one wider
    expect(difference(a, b)).toBeGreaterThan(2);
    const centre = (columns: number[]): number => (Math.min(...columns) + Math.max(...columns)) / 2;
    expect(Math.abs(centre(blueColumns(b)) - centre(blueColumns(a)))).toBeLessThan(5);
    expect(Math.max(...blueColumns(c)) - Math.min(...blueColumns(c))).toBeGreaterThan(Math.max(...blueColumns(a)) - Math.min(...blueColumns(a)));
  });

  it('tints the scene with the colour temperature and shifts it with the exposure, continuously', async () => {
    // Prepare
    const meanOf = (raw: Uint8Array, channel: number): number => raw.filter((_, index) => index % 3 === channel).reduce((sum, value) => sum + value, 0) / (raw.length / 3);
    const render = (temperature: number, exposure: number): Promise<Uint8Array> => renderSceneRaw(LAYOUT, NEUTRAL_STYLE, 64, 64, { gradientX: 0, gradientY: 0, temperature, exposure });

    // Act
    const neutral = await render(0, 0);
    const warm = await render(0.8, 0);
    const slightlyWarm = await render(0.05, 0);
    const bright = await render(0, 0.5);

    // Assess
    expect(meanOf(warm, 0) - meanOf(warm, 2)).toBeGreaterThan(meanOf(neutral, 0) - meanOf(neutral, 2) + 10);
    expect(difference(slightlyWarm, neutral)).toBeLessThan(difference(warm, neutral) / 5);
    expect(meanOf(bright, 1)).toBeGreaterThan(meanOf(neutral, 1) + 10);
  });
});
