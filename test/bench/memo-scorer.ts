/** A scorer memoised per (prompt, image bytes) for the benchmarks that judge the same images at several budgets. */
import { createHash } from 'node:crypto';
import type { ScoreDetail, ScoreOptions, ScoreResult, ScorerV1 } from '../../src/ports/index.js';

/** SHA-1 of bytes, hex: the key of an image. */
export function imageKey(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** A scorer memoised per (prompt, image bytes), keeping the wrapped scorer's capabilities; results are the wrapped scorer's. */
export function memoScorer(inner: ScorerV1): ScorerV1 {
  const memo = new Map<string, { score: number | null; detail: ScoreDetail | undefined }>();
  const keyOf = (item: ScoreOptions['items'][number]): string => `${item.prompt}\u0000${item.image.type === 'inline' ? imageKey(item.image.data) : item.image.url}`;
  return {
    specificationVersion: 'v1',
    provider: inner.provider,
    modelId: inner.modelId,
    maxBatchSize: inner.maxBatchSize,
    maxConcurrency: inner.maxConcurrency,
    ...(inner.range ? { range: inner.range } : {}),
    ...(inner.judgesPreviews !== undefined ? { judgesPreviews: inner.judgesPreviews } : {}),
    async doScore(options: ScoreOptions): Promise<ScoreResult> {
      const unknown = options.items.filter((item) => !memo.has(keyOf(item)));
      if (unknown.length > 0) {
        const result = await inner.doScore({ ...options, items: unknown });
        unknown.forEach((item, index) => memo.set(keyOf(item), { score: result.scores[index] ?? null, detail: result.details?.[index] }));
      }
      const known = options.items.map((item) => memo.get(keyOf(item))!);
      return { scores: known.map((entry) => entry.score), details: known.map((entry) => entry.detail), warnings: [], response: { modelId: inner.modelId } };
    },
  };
}
