import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ReferenceAestheticScorer } from '../../../src/adapters/reference/reference-aesthetic-scorer.js';
import { parsePrompt } from '../../../src/reference-world/scene/prompt-parser.js';
import { styleFromModifiers } from '../../../src/reference-world/scene/render-style.js';
import { layoutScene } from '../../../src/reference-world/scene/scene-layout.js';
import { renderScenePng } from '../../../src/reference-world/scene/scene-renderer.js';
import { numericScores } from './numeric-scores.js';

describe('ReferenceAestheticScorer', () => {
  it('rates a Promptist-boosted render above a hazy one and a flat image lowest, on 1..10', async () => {
    // Prepare
    const scorer = new ReferenceAestheticScorer();
    const layout = layoutScene(parsePrompt('a photo of a red car and a blue bird').spec, 5);
    const boosted = await renderScenePng(layout, styleFromModifiers(['highly detailed', 'vivid colors', 'dramatic lighting']), 512, 512);
    const hazy = await renderScenePng(layout, styleFromModifiers(['hazy', 'muted colors']), 512, 512);
    const flat = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#777777' } }).png().toBuffer();
    const item = (data: Uint8Array) => ({ prompt: 'ignored', image: { type: 'inline' as const, mediaType: 'image/png', data } });

    // Act
    const result = await scorer.doScore({ items: [item(boosted), item(hazy), item(flat)] });

    // Assess
    const scores = numericScores(result.scores);
    const [high = 0, middle = 0, low = 0] = scores;
    expect(high).toBeGreaterThan(middle);
    expect(middle).toBeGreaterThan(low);
    for (const score of scores) {
      expect(score).toBeGreaterThanOrEqual(1);
      expect(score).toBeLessThanOrEqual(10);
    }
    expect([scorer.modelId, scorer.provider, scorer.maxBatchSize, scorer.maxConcurrency]).toEqual(['aesthetic', 'reference', 8, 2]);
  });

  it('throws invalid_image on undecodable bytes', async () => {
    // Act
    const error = await new ReferenceAestheticScorer().doScore({ items: [{ prompt: '', image: { type: 'inline', mediaType: 'image/png', data: new Uint8Array([9, 9]) } }] }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'invalid_image' });
  });
});
