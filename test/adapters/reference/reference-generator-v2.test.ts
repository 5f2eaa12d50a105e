import { createHash } from 'node:crypto';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidGenerateRequestError, ReferenceGenerator } from '../../../src/adapters/reference/reference-generator.js';
import { ReferenceGeneratorV2 } from '../../../src/adapters/reference/reference-generator-v2.js';
import type { GenerateItemV2, GeneratedSegment, LatentCheckpoint } from '../../../src/ports/index.js';

const PROMPTS = ['a photo of a red car and a blue dog', 'a photo of three apples'];

function item(overrides: Partial<GenerateItemV2> = {}): GenerateItemV2 {
  return { prompt: PROMPTS[0]!, noise: { terms: [{ seed: 42, weight: 1 }] }, steps: 12, guidance: 5, width: 64, height: 64, format: 'png', ...overrides };
}

function hashOf(output: GeneratedSegment | undefined): string {
  const image = output?.image;
  if (image?.type !== 'inline') throw new Error('expected an inline image');
  return createHash('sha256').update(image.data).digest('hex');
}

const generator = new ReferenceGeneratorV2();

/** Runs a trajectory cut at the given positions, each piece resumed from the previous piece's checkpoint. */
async function runCut(base: GenerateItemV2, cuts: readonly number[], seeds?: readonly number[], eta = 0): Promise<GeneratedSegment> {
  const bounds = [0, ...cuts, base.steps];
  let start: LatentCheckpoint | undefined;
  let output: GeneratedSegment | undefined;
  for (let index = 0; index + 1 < bounds.length; index += 1) {
    const [from, to] = [bounds[index]!, bounds[index + 1]!];
    const [result] = (
      await generator.doGenerate({
        items: [{ ...base, from, to, ...(start ? { start } : {}), ...(to < base.steps ? { returnLatents: true } : {}), ...(eta > 0 ? { sampler: { eta, seed: seeds?.[0] ?? 0 } } : {}) }],
      })
    ).outputs;
    output = result;
    start = result?.latents;
  }
  return output!;
}

describe('ReferenceGeneratorV2', () => {
  it('gives the v1 generator\'s bytes for a whole schedule from the noise', async () => {
    // Act
    const v2 = await generator.doGenerate({ items: [item()] });
    const v1 = await new ReferenceGenerator().doGenerate({ items: [item()] });

    // Assess
    expect(hashOf(v2.outputs[0])).toBe(createHash('sha256').update((v1.images[0]!.image as { data: Uint8Array }).data).digest('hex'));
    expect(v2.outputs[0]?.nfe).toBe(v1.images[0]?.nfe);
  });

  it('resumed from its checkpoints, reproduces the uninterrupted trajectory exactly (deterministic sampler), wherever it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROMPTS), fc.integer({ min: 0, max: 1000 }), fc.uniqueArray(fc.integer({ min: 1, max: 11 }), { minLength: 1, maxLength: 3 }), async (prompt, seed, cuts) => {
        const base = item({ prompt, noise: { terms: [{ seed, weight: 1 }] } });
        const whole = (await generator.doGenerate({ items: [base] })).outputs[0];
        const pieced = await runCut(base, [...cuts].sort((a, b) => a - b));
        expect(hashOf(pieced)).toBe(hashOf(whole));
      }),
      { numRuns: 12, seed: 5 },
    );
  });

  it('with the stochastic sampler, gives the same image for the same seeds however the schedule is cut, and another image for another sampler seed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 0xffffffff }), fc.uniqueArray(fc.integer({ min: 1, max: 11 }), { minLength: 1, maxLength: 2 }), async (seed, samplerSeed, cuts) => {
        const base = item({ noise: { terms: [{ seed, weight: 1 }] } });
        const whole = (await generator.doGenerate({ items: [{ ...base, sampler: { eta: 1, seed: samplerSeed } }] })).outputs[0];
        const pieced = await runCut(base, [...cuts].sort((a, b) => a - b), [samplerSeed], 1);
        expect(hashOf(pieced)).toBe(hashOf(whole));
      }),
      { numRuns: 8, seed: 6 },
    );
    // another sampler seed moves the trajectory: across 6 seeds at least 5 distinct images
    const images = new Set<string>();
    for (let samplerSeed = 0; samplerSeed < 6; samplerSeed += 1) images.add(hashOf((await generator.doGenerate({ items: [item({ sampler: { eta: 1, seed: samplerSeed } })] })).outputs[0]));
    expect(images.size).toBeGreaterThanOrEqual(5);
  });

  it('answers an x̂₀ preview at the asked size and a small lossless checkpoint before the end, and counts only the steps run', async () => {
    // Act
    const [partial] = (await generator.doGenerate({ items: [item({ to: 4, returnLatents: true, preview: { width: 64, height: 64 } })] })).outputs;
    const [resumed] = (await generator.doGenerate({ items: [item({ start: partial!.latents!, renoise: { terms: [{ seed: 7, weight: 1 }] }, from: 2 })] })).outputs;

    // Assess
    expect(partial?.preview).toBe(true);
    expect(partial?.nfe).toBe(8);
    const metadata = await sharp((partial!.image as { data: Uint8Array }).data).metadata();
    expect([metadata.width, metadata.height]).toEqual([64, 64]);
    expect(partial?.latents).toMatchObject({ step: 4, steps: 12, dtype: 'float64', shape: [3 * 32 * 32], model: generator.modelId });
    expect(partial!.latents!.data.length).toBeLessThan(40_000);
    expect(resumed?.preview).toBe(false);
    expect(resumed?.nfe).toBe(2 * (12 - 2));
  });

  it('rejects segments and checkpoints it cannot serve', async () => {
    const [partial] = (await generator.doGenerate({ items: [item({ to: 4, returnLatents: true })] })).outputs;
    const checkpoint = partial!.latents!;
    const rejected = [
      item({ from: 2 }),
      item({ to: 13 }),
      item({ start: checkpoint, from: 5 }),
      item({ start: { ...checkpoint, steps: 20 } }),
      item({ start: { ...checkpoint, model: 'another-model' } }),
      item({ start: checkpoint, renoise: { terms: [{ seed: 1, weight: 1 }] }, from: 4 }),
      item({ start: { ...checkpoint, data: 'bm90IGRlZmxhdGVk' } }),
      item({ sampler: { eta: 2, seed: 1 } }),
      item({ to: 4, preview: { width: 16, height: 16 } }),
    ];
    for (const bad of rejected) await expect(generator.doGenerate({ items: [bad] })).rejects.toBeInstanceOf(InvalidGenerateRequestError);
  });
});
