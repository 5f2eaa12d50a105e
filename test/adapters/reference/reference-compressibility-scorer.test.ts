import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ReferenceCompressibilityScorer, jpegBytesPerPixel } from '../../../src/adapters/reference/reference-compressibility-scorer.js';
import { numericScores } from './numeric-scores.js';

async function noise(side: number): Promise<Uint8Array> {
  const data = new Uint8Array(side * side * 3);
  let state = 12345;
  for (let i = 0; i < data.length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[i] = state >>> 24;
  }
  return sharp(data, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer();
}

describe('ReferenceCompressibilityScorer', () => {
  it('scores minus and plus the JPEG-95 bytes per pixel: flat images compress, noise does not', async () => {
    // Prepare
    const flat = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#3366aa' } }).png().toBuffer();
    const busy = await noise(128);
    const items = [flat, busy].map((data) => ({ prompt: 'ignored', image: { type: 'inline' as const, mediaType: 'image/png', data } }));
    const compressibility = new ReferenceCompressibilityScorer('compressibility');
    const incompressibility = new ReferenceCompressibilityScorer('incompressibility');

    // Act
    const compressed = await compressibility.doScore({ items });
    const incompressed = await incompressibility.doScore({ items });

    // Assess
    const [flatScore = 0, busyScore = 0] = numericScores(compressed.scores);
    expect(flatScore).toBeGreaterThan(busyScore);
    expect(flatScore).toBeLessThan(0);
    expect(numericScores(incompressed.scores)).toEqual(numericScores(compressed.scores).map((score) => -score));
    expect(-busyScore).toBeCloseTo(await jpegBytesPerPixel(busy), 10);
    expect([compressibility.modelId, incompressibility.modelId]).toEqual(['compressibility', 'incompressibility']);
  });

  it('throws invalid_image on undecodable bytes', async () => {
    // Act
    const error = await new ReferenceCompressibilityScorer().doScore({ items: [{ prompt: '', image: { type: 'inline', mediaType: 'image/png', data: new Uint8Array([0, 1]) } }] }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'invalid_image' });
  });
});
