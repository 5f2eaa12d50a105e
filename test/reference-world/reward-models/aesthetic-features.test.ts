import { describe, expect, it } from 'vitest';
import { aestheticFeatures } from '../../../src/reference-world/reward-models/aesthetic-features.js';
import { generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';
import { NEUTRAL_STYLE, styleFromModifiers } from '../../../src/reference-world/scene/render-style.js';
import type { RenderStyle } from '../../../src/reference-world/scene/render-style.js';
import { layoutScene } from '../../../src/reference-world/scene/scene-layout.js';
import { renderSceneRaw } from '../../../src/reference-world/scene/scene-renderer.js';

const SPECS = generateGenevalSuite(0).filter((_, index) => index % 37 === 0);

async function meanFeatures(style: RenderStyle): Promise<ReturnType<typeof aestheticFeatures>> {
  const all = await Promise.all(SPECS.map(async (spec, index) => aestheticFeatures(await renderSceneRaw(layoutScene(spec, index), style, 256, 256), 256, 256, 3)));
  const mean = (key: keyof ReturnType<typeof aestheticFeatures>): number => all.reduce((sum, features) => sum + features[key], 0) / all.length;
  return { colorfulness: mean('colorfulness'), contrast: mean('contrast'), sharpness: mean('sharpness'), composition: mean('composition'), cleanliness: mean('cleanliness'), score: mean('score') };
}

describe('aestheticFeatures', () => {
  it('scores a flat grey image low and within 1..10', () => {
    // Prepare
    const grey = new Uint8Array(64 * 64 * 3).fill(128);

    // Act
    const features = aestheticFeatures(grey, 64, 64, 3);

    // Assess
    expect(features.colorfulness).toBeCloseTo(0, 6);
    expect(features.contrast).toBeCloseTo(0, 6);
    expect(features.sharpness).toBeCloseTo(0, 6);
    expect(features.score).toBeGreaterThanOrEqual(1);
    expect(features.score).toBeLessThan(3);
  });

  it('ranks Promptist-boosted renders above neutral ones, and hazy, blurry or cluttered ones below', async () => {
    // Act
    const neutral = await meanFeatures(NEUTRAL_STYLE);
    const boosted = await meanFeatures(styleFromModifiers(['highly detailed', 'sharp focus', 'vivid colors', 'dramatic lighting']));
    const hazy = await meanFeatures(styleFromModifiers(['hazy', 'muted colors']));
    const blurry = await meanFeatures(styleFromModifiers(['blurry']));
    const cluttered = await meanFeatures(styleFromModifiers(['cluttered']));

    // Assess
    expect(boosted.score).toBeGreaterThan(neutral.score + 0.3);
    expect(hazy.score).toBeLessThan(neutral.score - 0.5);
    expect(blurry.sharpness).toBeLessThan(neutral.sharpness);
    expect(blurry.score).toBeLessThan(neutral.score);
    expect(cluttered.cleanliness).toBeLessThan(neutral.cleanliness);
    expect(cluttered.score).toBeLessThan(neutral.score);
    expect(boosted.colorfulness).toBeGreaterThan(neutral.colorfulness);
  });
});
