import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceWorld, ReferenceGenerator } from '../../../../src/adapters/reference/index.js';
import { InvalidGenerateRequestError } from '../../../../src/adapters/reference/reference-generator.js';
import { createReferenceScorers } from '../../../../src/adapters/reference/reference-scorers.js';
import { InvalidImageError } from '../../../../src/adapters/reference/invalid-image-error.js';
import { PooledReferenceGenerator } from '../../../../src/adapters/reference/worker-pool/pooled-reference-generator.js';
import { createPooledReferenceScorers } from '../../../../src/adapters/reference/worker-pool/pooled-reference-scorer.js';
import { ReferenceWorkerPool } from '../../../../src/adapters/reference/worker-pool/reference-worker-pool.js';
import { AbortedError } from '../../../../src/ports/errors.js';
import type { GenerateItem, GenerateResult, ImageRef } from '../../../../src/ports/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** A generate item; small unless told otherwise. */
function item(overrides: Partial<GenerateItem> = {}): GenerateItem {
  return { prompt: 'a photo of a red car and a blue dog', noise: { terms: [{ seed: 42, weight: 1 }] }, steps: 20, guidance: 5, width: 128, height: 96, format: 'png', ...overrides };
}

/** A 1024² item: hundreds of ms of CPU on one core. */
function largeItem(prompt: string, seed: number): GenerateItem {
  return item({ prompt, noise: { terms: [{ seed, weight: 1 }] }, steps: 50, width: 1024, height: 1024 });
}

/** The inline bytes of the one image of a result. */
function pngOf(result: GenerateResult): Uint8Array {
  const image = result.images[0]?.image;
  if (image?.type !== 'inline') throw new Error('expected one inline image');
  return image.data;
}

/** SHA-256 of bytes, hex. */
function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Runs work while a 10 ms interval ticks; reports the longest gap between ticks and the elapsed time. */
async function withTicker<T>(work: () => Promise<T>): Promise<{ result: T; maxGapMs: number; elapsedMs: number }> {
  const start = performance.now();
  let last = start;
  let maxGapMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    const end = performance.now();
    return { result, maxGapMs: Math.max(maxGapMs, end - last), elapsedMs: end - start };
  } finally {
    clearInterval(ticker);
  }
}

describe('pooled reference world', () => {
  const pool = new ReferenceWorkerPool({ threads: 2 });
  const generator = new PooledReferenceGenerator(pool);
  const inThread = new ReferenceGenerator();

  beforeAll(async () => {
    await pool.warmUp();
  });

  afterAll(async () => {
    await pool.close();
  });

  describe('warmUp', () => {
    it('starts every thread', () => {
      // Assess
      expect(pool.threadIds()).toHaveLength(2);
    });
  });

  describe('PooledReferenceGenerator', () => {
    it('describes itself as the reference generator, one image per call, as many calls as threads', () => {
      // Assess
      expect([generator.specificationVersion, generator.provider, generator.modelId]).toEqual(['v1', 'reference', inThread.modelId]);
      expect([generator.maxBatchSize, generator.maxConcurrency]).toEqual([1, 2]);
    });

    it('returns PNGs byte-identical to the in-thread generator, with the same NFE and warnings, on either thread', async () => {
      // Prepare
      const items = [
        item(),
        item({ prompt: 'a photo of three dogs left of a blue car', noise: { terms: [{ seed: 7, weight: 1 }] }, steps: 8, guidance: 1, width: 64, height: 64 }),
        item({ negativePrompt: 'blurry', noise: { terms: [{ seed: 3, weight: 0.95 }, { seed: 11, weight: 0.31 }] } }),
      ];

      for (const one of items) {
        // Act: two copies at once on an idle pool land on both threads
        const expected = await inThread.doGenerate({ items: [one] });
        const pair = await Promise.all([generator.doGenerate({ items: [one] }), generator.doGenerate({ items: [one] })]);

        // Assess
        for (const result of pair) {
          expect(sha256(pngOf(result))).toBe(sha256(pngOf(expected)));
          expect(result.images[0]?.nfe).toBe(expected.images[0]?.nfe);
          expect(result.warnings).toEqual(expected.warnings);
          expect(result.response).toEqual(expected.response);
        }
      }
    });

    it('returns PNG bytes that own their whole buffer (transferred from the thread, not a view)', async () => {
      // Act
      const png = pngOf(await generator.doGenerate({ items: [item()] }));

      // Assess
      expect(png.byteOffset).toBe(0);
      expect(png.buffer.byteLength).toBe(png.byteLength);
    });

    it('answers an empty batch with no images and rejects batches above one item', async () => {
      // Act
      const empty = await generator.doGenerate({ items: [] });
      const error = await generator.doGenerate({ items: [item(), item()] }).catch((caught: unknown) => caught);

      // Assess
      expect(empty.images).toEqual([]);
      expect(error).toBeInstanceOf(InvalidGenerateRequestError);
    });

    it('rethrows the worker\'s typed error for an item the generator cannot serve', async () => {
      // Act
      const error = await generator.doGenerate({ items: [item({ width: 32 })] }).catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(InvalidGenerateRequestError);
      expect(error).toMatchObject({ code: 'invalid_generate_request', message: expect.stringContaining('32x96') });
    });

    it('keeps the event loop responsive while it generates 1024² images', async () => {
      // Act: one image per thread at once
      const { result, maxGapMs, elapsedMs } = await withTicker(() =>
        Promise.all([generator.doGenerate({ items: [largeItem('a photo of a yellow bus', 5)] }), generator.doGenerate({ items: [largeItem('a photo of a pink cake', 6)] })]),
      );

      // Assess: the longest pause of the main thread is a small share of the time the images took
      expect(result.map((one) => pngOf(one).byteLength > 0)).toEqual([true, true]);
      expect(maxGapMs).toBeLessThan(elapsedMs / 2);
    });

    it('stops a running call in its thread on abort (the thread is replaced) and serves the next call', async () => {
      // Prepare: the time an unaborted 1024² image takes here
      const started = performance.now();
      await generator.doGenerate({ items: [largeItem('a photo of a green giraffe above a white bus', 9)] });
      const unabortedMs = performance.now() - started;
      const before = pool.threadIds();
      const controller = new AbortController();

      // Act
      const call = generator.doGenerate({ items: [largeItem('a photo of a purple horse below a red kite', 10)], abortSignal: controller.signal });
      await delay(Math.min(50, unabortedMs / 4));
      const abortedAt = performance.now();
      controller.abort(new Error('deadline'));
      const error = await call.catch((caught: unknown) => caught);
      const abortMs = performance.now() - abortedAt;
      const after = pool.threadIds();
      const next = await generator.doGenerate({ items: [item()] });

      // Assess
      expect(error).toBeInstanceOf(AbortedError);
      expect(abortMs).toBeLessThan(unabortedMs / 2);
      expect(after).toHaveLength(2);
      expect(after.filter((id) => !before.includes(id))).toHaveLength(1);
      expect(sha256(pngOf(next))).toBe(sha256(pngOf(await inThread.doGenerate({ items: [item()] }))));
    });

    it('takes a queued call off the queue on abort without touching the busy threads', async () => {
      // Prepare: both threads busy
      const busy = [generator.doGenerate({ items: [largeItem('a photo of an orange cat', 1)] }), generator.doGenerate({ items: [largeItem('a photo of a black cow', 2)] })];
      const before = pool.threadIds();
      const controller = new AbortController();

      // Act
      const queued = generator.doGenerate({ items: [item()], abortSignal: controller.signal });
      controller.abort();
      const error = await queued.catch((caught: unknown) => caught);
      const finished = await Promise.all(busy);

      // Assess
      expect(error).toBeInstanceOf(AbortedError);
      expect(pool.threadIds().sort()).toEqual(before.sort());
      expect(finished.map((one) => one.images.length)).toEqual([1, 1]);
    });

    it('rejects at once when the signal has already fired', async () => {
      // Prepare
      const controller = new AbortController();
      controller.abort();

      // Act
      const error = await generator.doGenerate({ items: [item()], abortSignal: controller.signal }).catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(AbortedError);
    });
  });

  describe('PooledReferenceScorer', () => {
    it('has the identity of the in-thread scorers, a batch of 8 and one call per thread', () => {
      // Act
      const pooled = createPooledReferenceScorers(pool);

      // Assess
      const identity = (scorer: { modelId: string; provider: string; range?: unknown }): unknown[] => [scorer.modelId, scorer.provider, scorer.range];
      expect(pooled.map(identity)).toEqual(createReferenceScorers().map(identity));
      for (const scorer of pooled) expect([scorer.maxBatchSize, scorer.maxConcurrency]).toEqual([8, 2]);
    });

    it('gives the in-thread scores, details and warnings, abstentions included', async () => {
      // Prepare
      const images = await Promise.all(
        [item(), item({ prompt: 'a photo of two clocks', width: 96, height: 96 }), item({ prompt: 'a photo of a pink cake', steps: 4 })].map(async (one) => pngOf(await inThread.doGenerate({ items: [one] }))),
      );
      const prompts = ['a photo of a red car and a blue dog', 'a photo of two clocks', 'abstract art'];
      const items = images.map((data, index) => ({ prompt: prompts[index] ?? '', image: { type: 'inline', mediaType: 'image/png', data } as const }));
      const reference = createReferenceScorers();

      // Act
      const pooled = await Promise.all(createPooledReferenceScorers(pool).map((scorer) => scorer.doScore({ items })));
      const expected = await Promise.all(reference.map((scorer) => scorer.doScore({ items })));

      // Assess
      expect(pooled).toEqual(expected);
      expect(pooled[0]?.scores[2]).toBeNull();
      expect(pooled[0]?.details?.[2]?.abstained).toMatch(/no GenEval object/);
    });

    it('fetches URL images in the calling thread with the configured fetch', async () => {
      // Prepare
      const data = pngOf(await inThread.doGenerate({ items: [item({ prompt: 'a photo of two clocks', width: 96, height: 96 })] }));
      const requested: string[] = [];
      const fetchImage = async (url: string): Promise<Response> => {
        requested.push(url);
        return new Response(new Uint8Array(data), { status: 200 });
      };
      const [geneval] = createPooledReferenceScorers(pool, { fetch: fetchImage });
      const image: ImageRef = { type: 'url', url: 'https://images.example/clocks.png' };

      // Act
      const result = await geneval?.doScore({ items: [{ prompt: 'a photo of two clocks', image }] });

      // Assess
      expect(requested).toEqual(['https://images.example/clocks.png']);
      expect(result?.scores).toEqual((await createReferenceScorers()[0]?.doScore({ items: [{ prompt: 'a photo of two clocks', image: { type: 'inline', mediaType: 'image/png', data } }] }))?.scores);
    });

    it('rethrows invalid_image from the worker as InvalidImageError, and AbortedError on abort', async () => {
      // Prepare
      const [geneval] = createPooledReferenceScorers(pool);
      const broken = { prompt: 'a dog', image: { type: 'inline', mediaType: 'image/png', data: new Uint8Array([1, 2, 3, 4]) } } as const;
      const controller = new AbortController();
      controller.abort();

      // Act
      const invalid = await geneval?.doScore({ items: [broken] }).catch((caught: unknown) => caught);
      const aborted = await geneval?.doScore({ items: [broken], abortSignal: controller.signal }).catch((caught: unknown) => caught);

      // Assess
      expect(invalid).toBeInstanceOf(InvalidImageError);
      expect(invalid).toMatchObject({ code: 'invalid_image', mediaType: 'image/png' });
      expect(aborted).toBeInstanceOf(AbortedError);
    });
  });
});

describe('ReferenceWorkerPool.close', () => {
  it('ends calls in flight with AbortedError, releases the threads and refuses later calls', async () => {
    // Prepare
    const pool = new ReferenceWorkerPool({ threads: 1 });
    const generator = new PooledReferenceGenerator(pool);
    await pool.warmUp();
    const running = generator.doGenerate({ items: [largeItem('a photo of a blue train', 3)] }).catch((caught: unknown) => caught);

    // Act
    await pool.close();
    const inFlight = await running;
    const later = await generator.doGenerate({ items: [item()] }).catch((caught: unknown) => caught);
    await pool.close();

    // Assess
    expect(inFlight).toBeInstanceOf(AbortedError);
    expect(later).toBeInstanceOf(AbortedError);
    expect(pool.threadIds()).toEqual([]);
  });

  it('is not needed for the process to exit: idle threads do not keep it alive', async () => {
    // Prepare: a process under tsx (as `npm start`) that uses the pooled world and never closes it
    const indexPath = fileURLToPath(new URL('../../../../src/adapters/reference/index.ts', import.meta.url));
    const script = `
      const { createReferenceWorld } = await import(${JSON.stringify(indexPath)});
      const world = createReferenceWorld({ threads: 2 });
      await world.warmUp();
      const result = await world.generator.doGenerate({ items: [${JSON.stringify(item())}] });
      const scored = await world.scorers[0].doScore({ items: [{ prompt: 'a photo of a red car and a blue dog', image: result.images[0].image }] });
      process.stdout.write(JSON.stringify({ bytes: result.images[0].image.data.byteLength, score: scored.scores[0] }));
    `;

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 60_000, encoding: 'utf8' });

    // Assess
    const printed = JSON.parse(stdout) as { bytes: number; score: number };
    expect(printed.bytes).toBeGreaterThan(0);
    expect(typeof printed.score).toBe('number');
  });
});

describe('createReferenceWorld', () => {
  it('runs in the calling thread with threads 0, with no-op warmUp and close', async () => {
    // Act
    const world = createReferenceWorld({ threads: 0 });

    // Assess
    expect(world.generator).toBeInstanceOf(ReferenceGenerator);
    expect(world.scorers.map((scorer) => scorer.modelId)).toEqual(['geneval', 'aesthetic', 'compressibility', 'incompressibility']);
    await expect(world.warmUp()).resolves.toBeUndefined();
    await expect(world.close()).resolves.toBeUndefined();
  });

  it('serves the generator and scorers from a pool of the given threads, one thread per core by default', async () => {
    // Act
    const sized = createReferenceWorld({ threads: 3 });
    const defaulted = createReferenceWorld();

    // Assess
    expect(sized.generator).toBeInstanceOf(PooledReferenceGenerator);
    expect([sized.generator.maxBatchSize, sized.generator.maxConcurrency]).toEqual([1, 3]);
    expect(sized.scorers.map((scorer) => [scorer.modelId, scorer.maxBatchSize, scorer.maxConcurrency])).toEqual([
      ['geneval', 8, 3],
      ['aesthetic', 8, 3],
      ['compressibility', 8, 3],
      ['incompressibility', 8, 3],
    ]);
    expect(defaulted.generator.maxConcurrency).toBe(availableParallelism());
    await Promise.all([sized.close(), defaulted.close()]);
  });

  it('rejects a negative or fractional thread count', () => {
    // Act & Assess
    expect(() => createReferenceWorld({ threads: -1 })).toThrow(RangeError);
    expect(() => createReferenceWorld({ threads: 1.5 })).toThrow(RangeError);
  });
});
