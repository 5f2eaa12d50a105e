import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../../src/engine/index.js';
import { FakeRewriter, FakeScorer, noiseValue, scorerEntry, testDeps, testPlan } from '../fake-engine-deps.js';

const fast = { tuning: { retryDelayMs: 1 } };

/** Rewards prompts that carry "sharp focus 2" (a rewrite) a lot more than noise differences. */
const modifierScorer = (): FakeScorer =>
  new FakeScorer('alpha', (image) => (image.prompt.includes('sharp focus 2') ? 10 : 0) + noiseValue(image.noise, 'alpha'));

describe('runPromptist', () => {
  it('judges the user prompt and k rewrites on the same noises and searches with the best prompt', async () => {
    // Prepare
    const rewriter = new FakeRewriter();
    const plan = testPlan({ promptOptimization: { method: 'promptist', mode: 'on', candidates: 3, noises: 2 }, search: { budget: 16 } });

    // Act
    const result = await runGeneration(plan, testDeps({ rewriter, scorers: { alpha: scorerEntry(modifierScorer()) } }), fast);

    // Assess
    expect(rewriter.calls).toEqual([expect.objectContaining({ prompt: plan.prompt, count: 3, maxNewTokens: 75 })]);
    const judging = result.candidates.filter((candidate) => candidate.phase === 'prompt');
    expect(judging).toHaveLength(8);
    const noisesByPrompt = new Map<string, string[]>();
    for (const candidate of judging) noisesByPrompt.set(candidate.prompt, [...(noisesByPrompt.get(candidate.prompt) ?? []), JSON.stringify(candidate.noise)]);
    expect(noisesByPrompt.size).toBe(4);
    expect(new Set([...noisesByPrompt.values()].map((noises) => noises.join('|'))).size).toBe(1);
    expect(result.finalPrompt).toBe(`${plan.prompt}, sharp focus 2`);
    expect(result.candidates.filter((candidate) => candidate.phase === 'search').every((candidate) => candidate.prompt === result.finalPrompt)).toBe(true);
    expect(result.usage).toMatchObject({ images: 16, promptImages: 8, searchImages: 8, finalImages: 0 });
    expect(result.trace[0]).toMatchObject({ phase: 'prompt', method: 'promptist' });
    expect(result.trace[0]?.prompts?.map((entry) => entry.prompt)).toEqual([...noisesByPrompt.keys()]);
  });

  it("keeps the user's prompt when no rewrite beats it", async () => {
    // Prepare
    const scorer = new FakeScorer('alpha', (image) => (image.prompt.includes('sharp') ? -10 : 0) + noiseValue(image.noise, 'alpha'));
    const plan = testPlan({ promptOptimization: { method: 'promptist', mode: 'auto', candidates: 2, noises: 2 }, search: { budget: 16 } });

    // Act
    const result = await runGeneration(plan, testDeps({ rewriter: new FakeRewriter(), scorers: { alpha: scorerEntry(scorer) } }), fast);

    // Assess
    expect(result.finalPrompt).toBe(plan.prompt);
    expect(result.best?.prompt).toBe(plan.prompt);
  });

  it('drops rewrites that repeat the user prompt or each other', async () => {
    // Prepare
    const rewriter = new FakeRewriter((prompt, index) => (index === 0 ? ` ${prompt.toUpperCase()} ` : `${prompt}, 8k`));
    const plan = testPlan({ promptOptimization: { method: 'promptist', mode: 'on', candidates: 3, noises: 1 }, search: { budget: 16 } });

    // Act
    const result = await runGeneration(plan, testDeps({ rewriter }), fast);

    // Assess
    expect(result.trace[0]?.prompts?.map((entry) => entry.prompt)).toEqual([plan.prompt, `${plan.prompt}, 8k`]);
    expect(result.warnings.some((warning) => warning.includes('1 distinct rewrites of 3'))).toBe(true);
  });
});
