import { describe, expect, it } from 'vitest';
import { InvalidPlanError, PromptOptimizerUnavailableError } from '../../src/engine/engine-errors.js';
import { validatePlan } from '../../src/engine/plan-validation.js';
import { UnknownModelError } from '../../src/ports/index.js';
import { FakeRewriter, testDeps, testPlan } from './fake-engine-deps.js';

describe('validatePlan', () => {
  it('accepts the default plan', () => {
    // Act
    const act = (): void => validatePlan(testPlan(), testDeps());

    // Assess
    expect(act).not.toThrow();
  });

  it.each([
    ['a budget below 1', testPlan({ search: { budget: 0 } }), 'search.budget'],
    ['no scorer', testPlan({ plan: { rewards: [] } }), 'rewards'],
    ['all-zero weights', testPlan({ plan: { rewards: [{ model: 'alpha', weight: 0 }] } }), 'rewards'],
    ['a zero-order cosine of 1', testPlan({ search: { method: 'zero_order', cosine: 1 } }), 'search.cosine'],
  ])('rejects %s with InvalidPlanError', (_, plan, field) => {
    // Act
    const act = (): void => validatePlan(plan, testDeps());

    // Assess
    expect(act).toThrow(InvalidPlanError);
    expect(act).toThrow(field);
  });

  it('rejects an unknown scorer with UnknownModelError naming the available ones', () => {
    // Act
    const act = (): void => validatePlan(testPlan({ plan: { rewards: [{ model: 'hpsv2', weight: 1 }] } }), testDeps());

    // Assess
    expect(act).toThrow(UnknownModelError);
    expect(act).toThrow('available: alpha, beta');
  });

  it('requires the port of a prompt optimization in mode on only', () => {
    // Act
    const on = (): void => validatePlan(testPlan({ promptOptimization: { method: 'promptist', mode: 'on' } }), testDeps());
    const auto = (): void => validatePlan(testPlan({ promptOptimization: { method: 'promptist', mode: 'auto' } }), testDeps());
    const present = (): void =>
      validatePlan(testPlan({ promptOptimization: { method: 'promptist', mode: 'on' } }), testDeps({ rewriter: new FakeRewriter() }));

    // Assess
    expect(on).toThrow(PromptOptimizerUnavailableError);
    expect(auto).not.toThrow();
    expect(present).not.toThrow();
  });
});
