import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageBudget } from '../../../src/engine/budget/budget-split.js';
import { nfeCap } from '../../../src/engine/budget/nfe-cost.js';
import { NfeLedger } from '../../../src/engine/budget/nfe-ledger.js';
import type { SearchMethod } from '../../../src/engine/generation-plan.js';
import { runGeneration } from '../../../src/engine/index.js';
import { BackendCallError } from '../../../src/ports/index.js';
import { FakeChatModel, FakeGenerator, FakeRewriter, testDeps, testPlan } from '../fake-engine-deps.js';
import { computeDeps } from '../search/compute-search-deps.js';

const METHODS: readonly SearchMethod[] = ['best_of_n', 'zero_order', 'preview_prune', 'paths', 'particles'];
const fast = { tuning: { retryDelayMs: 0 } };

describe('NFE budget', () => {
  describe('NfeLedger', () => {
    it('reserves what fits, settles at the reported NFEs, keeps failed calls as spent and refunds calls that never started', () => {
      // Prepare
      const ledger = new NfeLedger(100);

      // Act
      ledger.reserve(40);
      ledger.settle(40, 40);
      ledger.reserve(30);
      ledger.fail(30);
      ledger.reserve(20);
      ledger.refund(20);

      // Assess
      expect(ledger.charged).toBe(70);
      expect(ledger.failed).toBe(30);
      expect(ledger.remaining).toBe(30);
      expect(ledger.tryReserve(31)).toBe(false);
      expect(() => ledger.reserve(31)).toThrow(/31 NFEs with 30 left/);
    });

    it('lets retries pass the planning cap only up to the hard cap', () => {
      // Prepare: an image budget alone (no hard cap)
      const ledger = new NfeLedger(40, Number.POSITIVE_INFINITY);
      ledger.reserve(40);
      ledger.fail(40);

      // Act
      const retried = ledger.tryReserve(40);

      // Assess
      expect(retried).toBe(true);
      expect(ledger.remaining).toBe(-40);
      expect(new NfeLedger(40, 40).tryReserve(41)).toBe(false);
    });
  });

  describe('nfeCap and imageBudget', () => {
    it('takes the tighter of budget_nfe and the NFEs of `budget` full images', () => {
      expect(nfeCap(testPlan({ plan: { steps: 10, guidance: 5 }, search: { budget: 4 } }))).toBe(80);
      expect(nfeCap(testPlan({ plan: { steps: 10, guidance: 5 }, search: { budget: 4, budgetNfe: 50 } }))).toBe(50);
      expect(nfeCap(testPlan({ plan: { steps: 10, guidance: 1 }, search: { budget: 4, budgetNfe: 500 } }))).toBe(40);
    });

    it('affords one final image plus search images at search_steps under an NFE cap', () => {
      // 100 NFEs: the final at 10 steps costs 20, each 4-step search image 8 → 10 search images + 1 final
      expect(imageBudget(testPlan({ plan: { steps: 10, guidance: 5 }, search: { budget: 256, budgetNfe: 100, searchSteps: 4 } }))).toBe(11);
      expect(imageBudget(testPlan({ plan: { steps: 10, guidance: 5 }, search: { budget: 256, budgetNfe: 100 } }))).toBe(5);
      expect(imageBudget(testPlan({ plan: { steps: 10, guidance: 5 }, search: { budget: 3, budgetNfe: 100 } }))).toBe(3);
    });
  });

  describe('every strategy under budget_nfe', () => {
    it('never spends more than budget_nfe (retries and failed calls included), whatever the plan', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            method: fc.constantFrom(...METHODS),
            steps: fc.integer({ min: 2, max: 14 }),
            guidance: fc.constantFrom(1, 5),
            budgetNfe: fc.integer({ min: 1, max: 600 }),
            budget: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
            searchSteps: fc.integer({ min: 1, max: 14 }),
            batch: fc.integer({ min: 1, max: 4 }),
            failEvery: fc.constantFrom(0, 2, 3, 5),
            retryable: fc.boolean(),
            optimization: fc.constantFrom('none', 'promptist', 'opt2i'),
            extra: fc.record({
              previewSteps: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
              keep: fc.option(fc.double({ min: 0.1, max: 1, noNaN: true }), { nil: undefined }),
              paths: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
              pathStart: fc.option(fc.integer({ min: 1, max: 14 }), { nil: undefined }),
              particles: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
              resampleEvery: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
              potential: fc.constantFrom('max', 'difference', 'sum'),
            }),
            seed: fc.integer({ min: 0, max: 1000 }),
          }),
          async (caseOf) => {
            // Prepare
            const failure = (call: number): Error | undefined =>
              caseOf.failEvery > 0 && call % caseOf.failEvery === caseOf.failEvery - 1
                ? new BackendCallError({ backend: 'fake', message: 'boom', statusCode: caseOf.retryable ? 503 : 400 })
                : undefined;
            const deps = { ...computeDeps({ maxBatchSize: caseOf.batch, fail: failure }), rewriter: new FakeRewriter(), chatModel: new FakeChatModel((_options, call) => `<PROMPT>a revised prompt ${call}</PROMPT>`) };
            const { previewSteps, keep, paths, pathStart, particles, resampleEvery, potential } = caseOf.extra;
            const plan = testPlan({
              plan: { steps: caseOf.steps, guidance: caseOf.guidance, seed: caseOf.seed, rewards: [{ model: 'alpha', weight: 1 }, { model: 'beta', weight: 1 }] },
              search: {
                method: caseOf.method,
                budget: caseOf.budget ?? 256,
                budgetNfe: caseOf.budgetNfe,
                searchSteps: Math.min(caseOf.steps, caseOf.searchSteps),
                neighbors: 2,
                potential,
                ...(previewSteps !== undefined ? { previewSteps } : {}),
                ...(keep !== undefined ? { keep } : {}),
                ...(paths !== undefined ? { paths } : {}),
                ...(pathStart !== undefined ? { pathStart } : {}),
                ...(particles !== undefined ? { particles } : {}),
                ...(resampleEvery !== undefined ? { resampleEvery } : {}),
              },
              promptOptimization: { method: caseOf.optimization, mode: caseOf.optimization === 'none' ? 'off' : 'auto', rounds: 2, candidates: 2, noises: 2 },
            });

            // Act
            const result = await runGeneration(plan, deps, fast);

            // Assess
            const { usage } = result;
            const spent = usage.nfe + usage.failedNfe;
            expect(spent).toBeLessThanOrEqual(caseOf.budgetNfe);
            expect(usage.images).toBeLessThanOrEqual(caseOf.budget ?? 256);
            expect(usage.nfe).toBe(result.candidates.reduce((sum, candidate) => sum + candidate.nfe, 0));
            expect(usage.nfe).toBe(usage.promptNfe + usage.searchNfe + usage.finalNfe);
            // what the fake generator was asked adds up to what was charged
            const asked = deps.generator.items.reduce((sum, item) => sum + ((item.to ?? item.steps) - (item.from ?? item.start?.step ?? 0)) * (item.guidance > 1 ? 2 : 1), 0);
            expect(asked).toBe(spent);
            for (const image of result.images) expect(image.segment?.to ?? image.steps).toBe(image.steps);
          },
        ),
        { numRuns: 100, seed: 14 },
      );
    });

    it('runs best_of_n instead, with a warning, when a compute-aware method meets a v1 generator', async () => {
      // Prepare
      const deps = testDeps({ generator: new FakeGenerator() });
      const plan = testPlan({ search: { method: 'particles', budget: 4 } });

      // Act
      const result = await runGeneration(plan, deps);

      // Assess
      expect(result.warnings.some((warning) => warning.includes('needs a generator-v2 backend'))).toBe(true);
      expect(result.candidates).toHaveLength(4);
      expect(result.candidates.every((candidate) => candidate.segment === undefined)).toBe(true);
    });
  });
});
