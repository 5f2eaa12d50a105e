import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../../src/engine/index.js';
import { recipeCosine } from '../../../src/engine/noise/noise-recipes.js';
import { FakeGenerator, FakeRewriter, FakeScorer, scorerEntry, testDeps, testPlan } from '../fake-engine-deps.js';
import { seededRandom } from '../seeded-random.js';

const fast = { tuning: { retryDelayMs: 1 } };

/** A scorer that prefers single-seed noises: no neighbour ever beats its pivot (every step stalls). */
const stallingScorer = (): FakeScorer => new FakeScorer('alpha', (image) => (image.noise.terms.length === 1 ? 1 : 0));

describe('zeroOrder', () => {
  it('never answers worse than the best candidate it has seen (random plans)', async () => {
    // Prepare
    const random = seededRandom(21);
    for (let run = 0; run < 30; run += 1) {
      const plan = testPlan({
        plan: {
          seed: run,
          aggregate: random.pick(['rank', 'zscore', 'weighted_sum'] as const),
          rewards: [
            { model: 'alpha', weight: random.next() },
            { model: 'beta', weight: 0.1 + random.next() },
          ],
        },
        search: {
          method: 'zero_order',
          budget: random.int(1, 30),
          neighbors: random.int(1, 6),
          cosine: 0.5 + 0.49 * random.next(),
          onStall: random.pick(['restart', 'shrink'] as const),
        },
      });

      // Act
      const result = await runGeneration(plan, testDeps({ generator: new FakeGenerator({ maxBatchSize: random.int(1, 4) }) }), fast);

      // Assess
      const rewards = result.candidates.map((candidate) => candidate.reward ?? -Infinity);
      expect(result.best?.reward).toBe(Math.max(...rewards));
      expect(result.best?.id).toBe(result.candidates[rewards.indexOf(Math.max(...rewards))]?.id);
    }
  });

  it('places neighbours at the planned cosine from their pivot and moves the pivot to a better neighbour', async () => {
    // Prepare
    const plan = testPlan({ search: { method: 'zero_order', budget: 25, neighbors: 4, cosine: 0.9 } });

    // Act
    const result = await runGeneration(plan, testDeps(), fast);

    // Assess
    const [pivot, ...neighbors] = result.candidates.slice(0, 5);
    for (const neighbor of neighbors) expect(recipeCosine(neighbor.noise, pivot!.noise)).toBeCloseTo(0.9, 12);
    const moves = result.trace.filter((entry) => entry.note?.startsWith('pivot moved'));
    expect(moves.length).toBeGreaterThan(0);
    const movedTo = moves[0]!.note!.split(' ').at(-1)!;
    const nextStep = result.candidates.filter((candidate) => candidate.round === moves[0]!.round + 1);
    const movedNoise = result.candidates.find((candidate) => candidate.id === movedTo)!.noise;
    for (const candidate of nextStep) expect(recipeCosine(candidate.noise, movedNoise)).toBeCloseTo(0.9, 12);
  });

  it('draws a fresh pivot when no neighbour beats the pivot (onStall restart)', async () => {
    // Prepare
    const plan = testPlan({ search: { method: 'zero_order', budget: 10, neighbors: 4, onStall: 'restart' } });

    // Act
    const result = await runGeneration(plan, testDeps({ scorers: { alpha: scorerEntry(stallingScorer()) } }), fast);

    // Assess
    const secondStep = result.candidates.filter((candidate) => candidate.round === 1);
    expect(secondStep[0]?.noise.terms).toHaveLength(1);
    expect(recipeCosine(secondStep[0]!.noise, result.candidates[0]!.noise)).toBe(0);
    expect(result.trace[0]?.note).toContain('restart');
  });

  it('halves the angle around the same pivot when no neighbour beats it (onStall shrink)', async () => {
    // Prepare
    const cosine = 0.8;
    const plan = testPlan({ search: { method: 'zero_order', budget: 9, neighbors: 4, cosine, onStall: 'shrink' } });

    // Act
    const result = await runGeneration(plan, testDeps({ scorers: { alpha: scorerEntry(stallingScorer()) } }), fast);

    // Assess
    const pivot = result.candidates[0]!;
    const secondStep = result.candidates.filter((candidate) => candidate.round === 1);
    expect(secondStep).toHaveLength(4);
    const halved = Math.cos(Math.acos(cosine) / 2);
    for (const candidate of secondStep) expect(recipeCosine(candidate.noise, pivot.noise)).toBeCloseTo(halved, 12);
  });

  it('spends exactly its budget, the last step taking fewer neighbours', async () => {
    // Prepare
    const plan = testPlan({ search: { method: 'zero_order', budget: 12, neighbors: 4 } });

    // Act
    const result = await runGeneration(plan, testDeps(), fast);

    // Assess
    expect(result.usage.images).toBe(12);
    expect(result.trace.map((entry) => entry.candidateIds.length).reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('starts from the best image of the prompt that prompt optimization chose', async () => {
    // Prepare
    const plan = testPlan({
      promptOptimization: { method: 'promptist', mode: 'on', candidates: 1, noises: 3 },
      search: { method: 'zero_order', budget: 14, neighbors: 4, cosine: 0.9 },
    });

    // Act
    const result = await runGeneration(plan, testDeps({ rewriter: new FakeRewriter() }), fast);

    // Assess
    const judged = result.candidates.filter((candidate) => candidate.phase === 'prompt' && candidate.prompt === result.finalPrompt);
    const start = judged.reduce((best, candidate) => ((candidate.reward ?? -1) > (best.reward ?? -1) ? candidate : best));
    const firstStep = result.candidates.filter((candidate) => candidate.phase === 'search' && candidate.round === 0);
    expect(firstStep).toHaveLength(4);
    for (const candidate of firstStep) expect(recipeCosine(candidate.noise, start.noise)).toBeCloseTo(0.9, 12);
  });
});
