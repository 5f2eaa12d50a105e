import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SearchMethod } from '../../../src/engine/generation-plan.js';
import { runGeneration } from '../../../src/engine/index.js';
import { computeDeps, computePlan } from './compute-search-deps.js';

const METHODS: readonly SearchMethod[] = ['best_of_n', 'zero_order', 'preview_prune', 'paths', 'particles'];

describe('compute-aware search under a deadline', () => {
  it('returns the best finished image (never a preview), or none, whenever the deadline falls', async () => {
    const seen = { cut: 0, finished: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        fc.integer({ min: 3, max: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 100 }),
        async (method, deadlineMs, latencyMs, seed) => {
          // Prepare
          const deps = computeDeps({ latencyMs: () => latencyMs });
          const plan = computePlan(method, 400, { particles: 4, paths: 2 }, { seed, deadlineMs, rewards: [{ model: 'alpha', weight: 1 }] });

          // Act
          const result = await runGeneration(plan, deps, { tuning: { retryDelayMs: 0 } });

          // Assess
          const finished = result.candidates.filter((candidate) => candidate.status === 'scored' && (candidate.segment?.to ?? candidate.steps) === candidate.steps);
          if (result.stopReason === 'deadline') seen.cut += 1;
          if (finished.length === 0) {
            expect(result.best).toBeNull();
            return;
          }
          seen.finished += 1;
          expect(result.best).not.toBeNull();
          expect(result.best?.segment?.to ?? result.best?.steps).toBe(result.best?.steps);
          const bestScore = Math.max(...finished.map((candidate) => candidate.scores['alpha'] ?? Number.NEGATIVE_INFINITY));
          expect(result.best?.scores['alpha']).toBe(bestScore);
          expect(result.usage.nfe + result.usage.failedNfe).toBeLessThanOrEqual(400);
        },
      ),
      { numRuns: 40, seed: 3 },
    );
    // the cases cover both runs the deadline cut short and runs with finished images
    expect(seen.cut).toBeGreaterThan(5);
    expect(seen.finished).toBeGreaterThan(5);
  });
});
