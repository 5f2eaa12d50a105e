import { describe, expect, it } from 'vitest';
import { PromptOptimizerUnavailableError, runGeneration } from '../../../src/engine/index.js';
import { FakeRewriter, testDeps, testPlan } from '../fake-engine-deps.js';

const fast = { tuning: { retryDelayMs: 1 } };

describe('optimizePrompt', () => {
  it('never rewrites in mode off', async () => {
    // Prepare
    const rewriter = new FakeRewriter();

    // Act
    const result = await runGeneration(testPlan({ promptOptimization: { method: 'promptist', mode: 'off' } }), testDeps({ rewriter }), fast);

    // Assess
    expect(rewriter.calls).toHaveLength(0);
    expect(result.finalPrompt).toBe(result.candidates[0]?.prompt);
  });

  it('throws a typed error in mode on without the port', async () => {
    // Act
    const run = runGeneration(testPlan({ promptOptimization: { method: 'opt2i', mode: 'on' } }), testDeps(), fast);

    // Assess
    await expect(run).rejects.toBeInstanceOf(PromptOptimizerUnavailableError);
  });

  it('skips with a warning in mode auto without the port', async () => {
    // Act
    const result = await runGeneration(testPlan({ promptOptimization: { method: 'promptist', mode: 'auto' } }), testDeps(), fast);

    // Assess
    expect(result.warnings.some((warning) => warning.includes('no prompt rewriter'))).toBe(true);
    expect(result.usage.promptImages).toBe(0);
  });

  it('skips with a warning in mode auto when the budget cannot leave half to search', async () => {
    // Prepare
    const rewriter = new FakeRewriter();

    // Act
    const result = await runGeneration(testPlan({ promptOptimization: { method: 'promptist', mode: 'auto' }, search: { budget: 3 } }), testDeps({ rewriter }), fast);

    // Assess
    expect(rewriter.calls).toHaveLength(0);
    expect(result.warnings.some((warning) => warning.includes('too few images'))).toBe(true);
  });

  it('shrinks rewrites and noises in mode auto to leave at least half the budget to search', async () => {
    // Prepare
    const rewriter = new FakeRewriter();
    const plan = testPlan({ promptOptimization: { method: 'promptist', mode: 'auto', candidates: 5, noises: 4 }, search: { budget: 16 } });

    // Act
    const result = await runGeneration(plan, testDeps({ rewriter }), fast);

    // Assess
    expect(result.usage.promptImages).toBeLessThanOrEqual(8);
    expect(result.usage.promptImages).toBeGreaterThanOrEqual(4);
    expect(result.usage.images - result.usage.promptImages).toBeGreaterThanOrEqual(8);
    expect(result.warnings.some((warning) => warning.includes('shrunk'))).toBe(true);
  });
});
