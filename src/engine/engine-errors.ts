import { DiffalignError } from '../ports/index.js';

/** A generation plan the engine cannot execute (no scorer, budget below 1, …); the HTTP layer should have caught it. */
export class InvalidPlanError extends DiffalignError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('invalid_plan', `invalid generation plan: ${field}: ${message}`);
    this.field = field;
  }
}

/** Prompt optimization was required (`mode: 'on'`) but the deployment has no port for its method. */
export class PromptOptimizerUnavailableError extends DiffalignError {
  readonly method: string;
  constructor(method: string, port: string) {
    super('prompt_optimizer_unavailable', `prompt optimization "${method}" needs a ${port}, and none is configured`);
    this.method = method;
  }
}

/** A noise recipe with no usable term (every weight zero or not finite). */
export class InvalidNoiseRecipeError extends DiffalignError {
  constructor(message: string) {
    super('invalid_noise_recipe', message);
  }
}

/** The engine tried to generate more images than the budget allows: a bug in a strategy, never a user error. */
export class BudgetExceededError extends DiffalignError {
  constructor(requested: number, remaining: number, unit: 'images' | 'NFEs' = 'images') {
    super('budget_exceeded', `asked for ${requested} ${unit} with ${remaining} left in the budget`);
  }
}

/** A retry was not started because its NFEs no longer fit the request's budget. */
export class RetryOverBudgetError extends DiffalignError {
  constructor(nfe: number, remaining: number) {
    super('nfe_budget_exhausted', `a retry needing ${nfe} NFEs was not started: ${remaining} NFEs are left in the budget`);
  }
}

/** A segment asked to resume a checkpoint its parent never returned (the parent failed). */
export class MissingCheckpointError extends DiffalignError {
  constructor(parentId: string) {
    super('missing_checkpoint', `candidate ${parentId} returned no checkpoint to resume`);
  }
}
