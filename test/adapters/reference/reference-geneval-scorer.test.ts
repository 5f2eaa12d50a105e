import { describe, expect, it } from 'vitest';
import { ReferenceGenevalScorer } from '../../../src/adapters/reference/reference-geneval-scorer.js';
import { parsePrompt } from '../../../src/reference-world/scene/prompt-parser.js';
import { NEUTRAL_STYLE } from '../../../src/reference-world/scene/render-style.js';
import { layoutScene } from '../../../src/reference-world/scene/scene-layout.js';
import { renderScenePng } from '../../../src/reference-world/scene/scene-renderer.js';

async function png(prompt: string, seed = 1, size = 512): Promise<Uint8Array> {
  return renderScenePng(layoutScene(parsePrompt(prompt).spec, seed), NEUTRAL_STYLE, size, size);
}

describe('ReferenceGenevalScorer', () => {
  it('describes itself as the reference geneval scorer', () => {
    // Act
    const scorer = new ReferenceGenevalScorer();

    // Assess
    expect([scorer.specificationVersion, scorer.provider, scorer.modelId, scorer.maxBatchSize, scorer.maxConcurrency]).toEqual(['v1', 'reference', 'geneval', 8, 2]);
    expect(scorer.range).toEqual({ min: 0, max: 1 });
  });

  it('scores 1 when the image shows the prompt and the share of constraints otherwise, with reasons', async () => {
    // Prepare
    const scorer = new ReferenceGenevalScorer();
    const prompt = 'a photo of a purple wine glass and a black apple';
    const right = await png(prompt);
    const swapped = await png('a photo of a black wine glass and a purple apple');

    // Act
    const result = await scorer.doScore({
      items: [
        { prompt, image: { type: 'inline', mediaType: 'image/png', data: right } },
        { prompt, image: { type: 'inline', mediaType: 'image/png', data: swapped } },
      ],
    });

    // Assess
    expect(result.scores).toEqual([1, 0.5]);
    expect(result.details?.[0]).toEqual({ passed: ['a wine glass', 'a purple wine glass', 'an apple', 'a black apple'], failed: [] });
    expect(result.details?.[1]?.failed).toEqual(['a purple wine glass (found a black wine glass)', 'a black apple (found a purple apple)']);
    expect(result.response).toEqual({ modelId: 'geneval' });
  });

  it('reads images by URL through the injected fetch', async () => {
    // Prepare
    const data = await png('a photo of two clocks', 3, 256);
    const scorer = new ReferenceGenevalScorer({ fetch: async () => new Response(new Uint8Array(data), { status: 200 }) });

    // Act
    const result = await scorer.doScore({ items: [{ prompt: 'a photo of two clocks', image: { type: 'url', url: 'https://images.example/clocks.png' } }] });

    // Assess
    expect(result.scores).toEqual([1]);
  });

  it.each([
    ['keyboard mash', 'qwertyuiop zxcvbnm'],
    ['1001 emoji', '\u{1F600}'.repeat(1001)],
    ['a style without objects', 'abstract art'],
    ['a scene of no COCO class', 'a sunset over the sea'],
  ])('abstains (null, with the reason) on a prompt that names no GenEval object: %s', async (_case, prompt) => {
    // Prepare
    const scorer = new ReferenceGenevalScorer();
    const data = await png('a photo of a dog', 1, 128);

    // Act
    const result = await scorer.doScore({ items: [{ prompt, image: { type: 'inline', mediaType: 'image/png', data } }] });

    // Assess
    expect(result.scores).toEqual([null]);
    expect(result.details?.[0]?.abstained).toMatch(/no GenEval object/);
    expect(result.details?.[0]?.passed).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('abstains only on the items it cannot judge and scores the rest of the batch', async () => {
    // Prepare
    const scorer = new ReferenceGenevalScorer();
    const data = await png('a photo of a dog', 1, 256);
    const image = { type: 'inline', mediaType: 'image/png', data } as const;

    // Act
    const result = await scorer.doScore({ items: [{ prompt: 'abstract art', image }, { prompt: 'a photo of a dog', image }, { prompt: 'a photo of no dogs', image }] });

    // Assess
    expect(result.scores[0]).toBeNull();
    expect(result.scores[1]).toBe(1);
    expect(result.scores[2]).toBe(0);
    expect(result.details?.[1]?.abstained).toBeUndefined();
    expect(result.details?.[2]?.abstained).toBeUndefined();
  });

  it('throws invalid_image on undecodable bytes', async () => {
    // Prepare
    const scorer = new ReferenceGenevalScorer();

    // Act
    const error = await scorer.doScore({ items: [{ prompt: 'a dog', image: { type: 'inline', mediaType: 'image/png', data: new Uint8Array([1, 2, 3, 4]) } }] }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'InvalidImageError', code: 'invalid_image' });
  });

  it('stops when aborted', async () => {
    // Prepare
    const scorer = new ReferenceGenevalScorer();
    const controller = new AbortController();
    controller.abort();

    // Act
    const error = await scorer.doScore({ items: [{ prompt: 'a dog', image: { type: 'inline', mediaType: 'image/png', data: new Uint8Array(0) } }], abortSignal: controller.signal }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'aborted' });
  });
});
