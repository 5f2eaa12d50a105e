import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { neighbourRecipe } from '../../support/noise-recipes.js';
import { InvalidGenerateRequestError, ReferenceGenerator } from '../../../src/adapters/reference/reference-generator.js';
import { AbortedError } from '../../../src/ports/errors.js';
import type { GenerateItem, NoiseRecipe } from '../../../src/ports/index.js';

/** An item at the defaults of the issue, small enough for a unit test. */
function item(overrides: Partial<GenerateItem> = {}): GenerateItem {
  return { prompt: 'a photo of a red car and a blue dog', noise: { terms: [{ seed: 42, weight: 1 }] }, steps: 20, guidance: 5, width: 96, height: 64, format: 'png', ...overrides };
}

/** SHA-256 of bytes, hex. */
function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The inline bytes of a generated image. */
function bytesOf(image: { type: string; data?: Uint8Array }): Uint8Array {
  if (image.type !== 'inline' || image.data === undefined) throw new Error('expected an inline image');
  return image.data;
}


describe('ReferenceGenerator', () => {
  it('returns one PNG of the requested size per item, with the NFE', async () => {
    // Prepare
    const generator = new ReferenceGenerator();

    // Act
    const result = await generator.doGenerate({ items: [item(), item({ guidance: 1, steps: 7 })] });

    // Assess
    expect(result.images).toHaveLength(2);
    const metadata = await sharp(bytesOf(result.images[0]?.image ?? { type: 'url' })).metadata();
    expect(metadata.format).toBe('png');
    expect([metadata.width, metadata.height]).toEqual([96, 64]);
    expect(result.images.map((image) => image.nfe)).toEqual([40, 7]);
    expect(result.response.modelId).toBe('reference-ddim-v1');
    expect(result.warnings).toEqual([]);
  });

  it('is deterministic within a process and across processes', async () => {
    // Prepare
    const generator = new ReferenceGenerator();
    const fresh = new ReferenceGenerator();
    const modulePath = fileURLToPath(new URL('../../../src/adapters/reference/reference-generator.ts', import.meta.url));
    const script = `
      const { ReferenceGenerator } = await import(${JSON.stringify(modulePath)});
      const { createHash } = await import('node:crypto');
      const result = await new ReferenceGenerator().doGenerate({ items: [${JSON.stringify(item())}] });
      process.stdout.write(createHash('sha256').update(result.images[0].image.data).digest('hex'));
    `;

    // Act
    const first = sha256(bytesOf((await generator.doGenerate({ items: [item()] })).images[0]?.image ?? { type: 'url' }));
    const again = sha256(bytesOf((await generator.doGenerate({ items: [item()] })).images[0]?.image ?? { type: 'url' }));
    const other = sha256(bytesOf((await fresh.doGenerate({ items: [item()] })).images[0]?.image ?? { type: 'url' }));
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) });

    // Assess
    expect(child.stderr).toBe('');
    expect(again).toBe(first);
    expect(other).toBe(first);
    expect(child.stdout).toBe(first);
  });

  it('gives different images for different seeds', async () => {
    // Prepare
    const generator = new ReferenceGenerator();

    // Act
    const hashes = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const result = await generator.doGenerate({ items: [item({ noise: { terms: [{ seed, weight: 1 }] } })] });
      hashes.add(sha256(bytesOf(result.images[0]?.image ?? { type: 'url' })));
    }

    // Assess
    expect(hashes.size).toBe(3);
  });

  it('moves the image continuously with the noise: nearby noises give nearby images, independent ones distant images', async () => {
    // Prepare
    const generator = new ReferenceGenerator();
    const prompt = 'a photo of a dog right of a teddy bear';
    const pixels = async (noise: NoiseRecipe): Promise<Uint8Array> => new Uint8Array(await sharp((await generator.sample(item({ prompt, width: 64, height: 64, noise }))).png).raw().toBuffer());
    const distance = (a: Uint8Array, b: Uint8Array): number => a.reduce((sum, value, index) => sum + Math.abs(value - (b[index] ?? 0)), 0) / a.length;
    const medianDistance = async (degrees: number): Promise<number> => {
      const distances: number[] = [];
      for (let pivot = 0; pivot < 12; pivot += 1) distances.push(distance(await pixels({ terms: [{ seed: pivot, weight: 1 }] }), await pixels(neighbourRecipe(pivot, 10_000 + pivot, degrees))));
      return distances.sort((a, b) => a - b)[6] ?? 0;
    };

    // Act
    const tiny = await medianDistance(2);
    const near = await medianDistance(10);
    const far = await medianDistance(90);

    // Assess: similar but not identical nearby, and farther with the angle
    expect(tiny).toBeGreaterThan(0);
    expect(tiny).toBeLessThan(near);
    expect(near).toBeLessThan(far);
    expect(tiny).toBeLessThan(far / 4);
  });

  it('warns about a negative prompt instead of failing', async () => {
    // Act
    const result = await new ReferenceGenerator().doGenerate({ items: [item({ negativePrompt: 'blurry' })] });

    // Assess
    expect(result.images).toHaveLength(1);
    expect(result.warnings).toContainEqual(expect.objectContaining({ type: 'unsupported', feature: 'negativePrompt' }));
  });

  it('throws AbortedError when aborted', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();

    // Act
    const call = new ReferenceGenerator().doGenerate({ items: [item()], abortSignal: controller.signal });

    // Assess
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });

  it('stops a batch that is aborted while it runs', async () => {
    // Prepare
    const controller = new AbortController();
    const generator = new ReferenceGenerator();

    // Act
    const call = generator.doGenerate({ items: [item({ prompt: 'a photo of a clock' }), item({ prompt: 'a photo of a cow' })], abortSignal: controller.signal });
    controller.abort();

    // Assess
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });

  it('rejects batches over maxBatchSize and sizes outside 64..1024', async () => {
    // Prepare
    const generator = new ReferenceGenerator();

    // Act
    const tooMany = generator.doGenerate({ items: Array.from({ length: 5 }, () => item()) });
    const tooSmall = generator.doGenerate({ items: [item({ width: 32 })] });

    // Assess
    await expect(tooMany).rejects.toBeInstanceOf(InvalidGenerateRequestError);
    await expect(tooSmall).rejects.toBeInstanceOf(InvalidGenerateRequestError);
  });
});
