import { UnknownModelError } from '../ports/index.js';
import { InvalidPlanError, PromptOptimizerUnavailableError } from './engine-errors.js';
import type { EngineDeps, GenerationPlan } from './generation-plan.js';

/**
 * Checks what the engine relies on before it spends anything (the HTTP layer validates first; this is the
 * engine's own defence): throws InvalidPlanError, UnknownModelError or PromptOptimizerUnavailableError.
 */
export function validatePlan(plan: GenerationPlan, deps: EngineDeps): void {
  const positiveInteger = (value: number): boolean => Number.isInteger(value) && value >= 1;
  if (!positiveInteger(plan.search.budget)) throw new InvalidPlanError('search.budget', 'must be an integer >= 1');
  if (!positiveInteger(plan.steps)) throw new InvalidPlanError('steps', 'must be an integer >= 1');
  if (!positiveInteger(plan.n)) throw new InvalidPlanError('n', 'must be an integer >= 1');
  if (!Number.isFinite(plan.seed)) throw new InvalidPlanError('seed', 'must be a finite number');
  if (plan.search.method === 'zero_order') {
    if (!(plan.search.cosine > 0 && plan.search.cosine < 1)) throw new InvalidPlanError('search.cosine', 'must be in (0, 1)');
    if (!positiveInteger(plan.search.neighbors)) throw new InvalidPlanError('search.neighbors', 'must be an integer >= 1');
  }
  if (plan.rewards.length === 0) throw new InvalidPlanError('rewards', 'at least one scorer is needed');
  const available = Object.keys(deps.scorers);
  for (const reward of plan.rewards) {
    if (!deps.scorers[reward.model]) throw new UnknownModelError('scorer', reward.model, available);
    if (!Number.isFinite(reward.weight)) throw new InvalidPlanError('rewards', `weight of ${reward.model} must be finite`);
  }
  if (plan.rewards.every((reward) => reward.weight === 0)) throw new InvalidPlanError('rewards', 'weights must not all be zero');
  const { method, mode } = plan.promptOptimization;
  if (mode === 'on' && method === 'promptist' && !deps.rewriter) throw new PromptOptimizerUnavailableError(method, 'prompt rewriter');
  if (mode === 'on' && method === 'opt2i' && !deps.chatModel) throw new PromptOptimizerUnavailableError(method, 'chat model');
}
