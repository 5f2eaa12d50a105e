import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../../src/engine/index.js';
import { FakeGenerator, FakeScorer, noiseValue, scorerEntry, testDeps, testPlan } from '../fake-engine-deps.js';

const fast = { tuning: { retryDelayMs: 1 } };

describe('bestOfN', () => {
  it('samples n single-seed noises and answers the best of them', async () => {
    // Prepare
    const plan = testPlan({ search: { budget: 12 } });

    // Act
    const result = await runGeneration(plan, testDeps(), fast);

    // Assess
    expect(result.candidates).toHaveLength(12);
    expect(result.candidates.every((candidate) => candidate.noise.terms.length === 1)).toBe(true);
    expect(new Set(result.candidates.map((candidate) => candidate.noise.terms[0]?.seed)).size).toBe(12);
    const bestAlpha = Math.max(...result.candidates.map((candidate) => candidate.scores.alpha ?? -Infinity));
    expect(result.best?.scores.alpha).toBe(bestAlpha);
  });

  it('keeps one trace entry per batch with the best over the candidates up to it', async () => {
    // Prepare
    const deps = testDeps({ generator: new FakeGenerator({ maxBatchSize: 4 }) });

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 10 } }), deps, fast);

    // Assess
    expect(result.trace.map((entry) => entry.candidateIds.length)).toEqual([4, 4, 2]);
    for (const entry of result.trace) {
      const upTo = Number(entry.candidateIds.at(-1)?.slice(1)) + 1;
      const prefix = result.candidates.slice(0, upTo);
      const best = prefix.reduce((top, candidate) => ((candidate.scores.alpha ?? 0) > (top.scores.alpha ?? 0) ? candidate : top));
      expect(entry.bestCandidateId).toBe(best.id);
    }
  });

  it('stops after the wave that reaches the threshold (weighted mean of raw scores)', async () => {
    // Prepare
    const generator = new FakeGenerator({ maxBatchSize: 2, maxConcurrency: 2 });
    const scorer = new FakeScorer('alpha', () => 0.8);
    const plan = testPlan({ search: { budget: 32, threshold: 0.75 } });

    // Act
    const result = await runGeneration(plan, testDeps({ generator, scorers: { alpha: scorerEntry(scorer) } }), fast);

    // Assess
    expect(result.usage.images).toBe(4);
    expect(result.truncated).toBe(false);
    expect(result.trace.at(-1)?.note).toContain('threshold 0.75 reached by c000');
    expect(result.warnings.some((warning) => warning.includes('threshold 0.75 reached'))).toBe(true);
  });

  it('spends the whole budget when the threshold is never reached', async () => {
    // Prepare
    const scorer = new FakeScorer('alpha', (image) => noiseValue(image.noise, 'alpha'));
    const plan = testPlan({ search: { budget: 13, threshold: 100 } });

    // Act
    const result = await runGeneration(plan, testDeps({ scorers: { alpha: scorerEntry(scorer) } }), fast);

    // Assess
    expect(result.usage.images).toBe(13);
  });
});
