import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../src/engine/index.js';
import { BackendCallError } from '../../src/ports/index.js';
import { FakeChatModel, FakeGenerator, FakeRewriter, testDeps, testPlan } from './fake-engine-deps.js';
import { seededRandom } from './seeded-random.js';

const fast = { tuning: { retryDelayMs: 1 } };

describe('usage accounting', () => {
  it('adds up per phase and counts exactly the images produced, for every method on random plans (some calls failing)', async () => {
    // Prepare
    const random = seededRandom(21);
    for (let run = 0; run < 40; run += 1) {
      const method = random.pick(['none', 'promptist', 'opt2i'] as const);
      const search = random.pick(['best_of_n', 'zero_order'] as const);
      const steps = random.int(2, 12);
      const failEvery = random.pick([0, 3, 5]);
      const generator = new FakeGenerator({
        maxBatchSize: random.int(1, 4),
        fail: (call) => (failEvery > 0 && call % failEvery === failEvery - 1 ? new BackendCallError({ backend: 'fake', message: 'boom', statusCode: 400 }) : undefined),
      });
      const plan = testPlan({
        plan: { seed: run, steps },
        search: { method: search, budget: random.int(1, 40), searchSteps: random.pick([steps, Math.max(1, steps - 3)]), neighbors: random.int(1, 4) },
        promptOptimization: { method, mode: method === 'none' ? 'off' : random.pick(['auto', 'on'] as const), rounds: random.int(1, 3), candidates: random.int(1, 3), noises: random.int(1, 3) },
      });
      const deps = testDeps({ generator, rewriter: new FakeRewriter(), chatModel: new FakeChatModel((_options, call) => `<PROMPT>a revised prompt ${call}</PROMPT>\n<PROMPT>another revision ${call}</PROMPT>`) });

      // Act
      const result = await runGeneration(plan, deps, fast);

      // Assess
      const { usage } = result;
      expect(usage.images).toBe(usage.promptImages + usage.searchImages + usage.finalImages);
      expect(usage.nfe).toBe(usage.promptNfe + usage.searchNfe + usage.finalNfe);
      const produced = result.candidates.filter((candidate) => candidate.error?.code !== 'backend_call_failed');
      expect(usage.images).toBe(produced.length);
      expect(usage.nfe).toBe(produced.reduce((sum, candidate) => sum + candidate.nfe, 0));
      for (const phase of ['prompt', 'search', 'final'] as const) {
        const inPhase = produced.filter((candidate) => candidate.phase === phase);
        const images = phase === 'prompt' ? usage.promptImages : phase === 'search' ? usage.searchImages : usage.finalImages;
        const nfe = phase === 'prompt' ? usage.promptNfe : phase === 'search' ? usage.searchNfe : usage.finalNfe;
        expect(images).toBe(inPhase.length);
        expect(nfe).toBe(inPhase.reduce((sum, candidate) => sum + candidate.nfe, 0));
      }
      expect(result.candidates.length).toBeLessThanOrEqual(plan.search.budget);
    }
  });
});
