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
  validateComputeSearch(plan);
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

/** The NFE budget and the compute-aware strategies' settings, where given. */
function validateComputeSearch(plan: GenerationPlan): void {
  const { search } = plan;
  const positive = (field: string, value: number | undefined): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new InvalidPlanError(`search.${field}`, 'must be an integer >= 1');
  };
  positive('budget_nfe', search.budgetNfe);
  positive('preview_steps', search.previewSteps);
  positive('paths', search.paths);
  positive('path_start', search.pathStart);
  positive('path_forward', search.pathForward);
  positive('path_backward', search.pathBackward);
  positive('particles', search.particles);
  positive('resample_every', search.resampleEvery);
  if (search.keep !== undefined && !(search.keep > 0 && search.keep <= 1)) throw new InvalidPlanError('search.keep', 'must be in (0, 1]');
  if (search.eta !== undefined && !(search.eta >= 0 && search.eta <= 1)) throw new InvalidPlanError('search.eta', 'must be in [0, 1]');
  if (search.lambda !== undefined && !(Number.isFinite(search.lambda) && search.lambda >= 0)) throw new InvalidPlanError('search.lambda', 'must be a finite number >= 0');
  if (search.potential !== undefined && !['max', 'difference', 'sum'].includes(search.potential)) throw new InvalidPlanError('search.potential', 'must be max, difference or sum');
  if (search.pathForward !== undefined && search.pathBackward !== undefined && search.pathBackward <= search.pathForward) {
    throw new InvalidPlanError('search.path_backward', 'must exceed path_forward (each round must move toward the end of the schedule)');
  }
}
