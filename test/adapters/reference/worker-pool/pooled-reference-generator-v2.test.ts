import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ReferenceGeneratorV2 } from '../../../../src/adapters/reference/reference-generator-v2.js';
import { PooledReferenceGeneratorV2 } from '../../../../src/adapters/reference/worker-pool/pooled-reference-generator-v2.js';
import { ReferenceWorkerPool } from '../../../../src/adapters/reference/worker-pool/reference-worker-pool.js';
import type { GenerateItemV2, GeneratedSegment } from '../../../../src/ports/index.js';

const ITEM: GenerateItemV2 = { prompt: 'a photo of a red cat', noise: { terms: [{ seed: 9, weight: 1 }] }, steps: 6, guidance: 5, width: 64, height: 64, format: 'png' };

function hashOf(output: GeneratedSegment | undefined): string {
  return output?.image?.type === 'inline' ? createHash('sha256').update(output.image.data).digest('hex') : 'none';
}

describe('PooledReferenceGeneratorV2 (worker threads)', () => {
  const pool = new ReferenceWorkerPool({ threads: 1 });
  afterAll(() => pool.close());

  it('answers segments, checkpoints and previews byte-identical to the in-thread generator, and resumes its own checkpoints', async () => {
    // Prepare
    const pooled = new PooledReferenceGeneratorV2(pool);
    const local = new ReferenceGeneratorV2();
    const partial = { ...ITEM, to: 3, returnLatents: true, preview: { width: 64, height: 64 } };

    // Act
    const [remote] = (await pooled.doGenerate({ items: [partial] })).outputs;
    const [here] = (await local.doGenerate({ items: [partial] })).outputs;
    const [finished] = (await pooled.doGenerate({ items: [{ ...ITEM, start: remote!.latents!, sampler: { eta: 1, seed: 4 } }] })).outputs;
    const [finishedHere] = (await local.doGenerate({ items: [{ ...ITEM, start: here!.latents!, sampler: { eta: 1, seed: 4 } }] })).outputs;

    // Assess
    expect(remote?.latents).toEqual(here?.latents);
    expect(hashOf(remote)).toBe(hashOf(here));
    expect(remote?.preview).toBe(true);
    expect(hashOf(finished)).toBe(hashOf(finishedHere));
    expect(finished?.nfe).toBe(6);
  });
});
