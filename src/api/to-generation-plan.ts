import { effectiveSearchSteps } from '../engine/index.js';
import type { GenerationPlan, RewardSpec } from '../engine/generation-plan.js';
import type { GenerationRecord } from './schemas/generation-record.js';
import { LIMITS, type GenerationRequest } from './schemas/generation-request.js';
import { ValidationFailedError } from './http-errors.js';

/** What the deployment offers, which a request is checked against. */
export interface PlanContext {
  readonly scorerIds: readonly string[];
  readonly defaultRewards: readonly RewardSpec[];
  readonly hasRewriter: boolean;
  readonly hasChatModel: boolean;
  /** Seed used when the request names none. */
  readonly randomSeed: () => number;
  /** Most images the tenant may ask for: the image budget of a request that gives only `budget_nfe` (default LIMITS.budget). */
  readonly maxBudget?: number;
}

/** The image budget of a request that names none. */
export const DEFAULT_IMAGE_BUDGET = 4;

/**
 * Turns a validated request into the engine's plan, filling defaults and checking what only the
 * deployment knows (which scorers exist, whether a prompt model is there).
 */
export function toGenerationPlan(request: GenerationRequest, context: PlanContext): GenerationPlan {
  const optimization = request.prompt_optimization;
  const search = request.search;
  const method = optimization.method;
  const mode = optimization.mode ?? (method === 'none' ? 'off' : 'on');
  const rewards = request.rewards ?? context.defaultRewards;
  const problems: { name: string; reason: string }[] = [];

  rewards.forEach((reward, index) => {
    if (!context.scorerIds.includes(reward.model)) {
      problems.push({ name: `rewards[${index}].model`, reason: `unknown scorer "${reward.model}"; available: ${context.scorerIds.join(', ')}` });
    }
  });
  if (rewards.length > 0 && rewards.every((reward) => reward.weight === 0)) {
    problems.push({ name: 'rewards', reason: 'at least one reward needs a weight above 0' });
  }
  if (mode === 'on' && method === 'promptist' && !context.hasRewriter) {
    problems.push({ name: 'prompt_optimization.method', reason: 'promptist is not available on this deployment; use mode "auto" or "off"' });
  }
  if (mode === 'on' && method === 'opt2i' && !context.hasChatModel) {
    problems.push({ name: 'prompt_optimization.method', reason: 'opt2i is not available on this deployment; use mode "auto" or "off"' });
  }
  if (mode === 'on' && method === 'none') {
    problems.push({ name: 'prompt_optimization.mode', reason: 'mode "on" needs a method (promptist or opt2i)' });
  }
  if (search.search_steps !== undefined && search.search_steps > request.steps) {
    problems.push({ name: 'search.search_steps', reason: `search_steps (${search.search_steps}) cannot exceed steps (${request.steps}): search runs at fewer steps and the winner is regenerated at steps` });
  }
  if (search.path_forward !== undefined && search.path_backward !== undefined && search.path_backward <= search.path_forward) {
    problems.push({ name: 'search.path_backward', reason: `path_backward (${search.path_backward}) must exceed path_forward (${search.path_forward}): each round must move toward the end of the schedule` });
  }
  const imageNfe = request.steps * (request.guidance > 1 ? 2 : 1);
  if (search.budget_nfe !== undefined && search.budget_nfe < imageNfe) {
    problems.push({ name: 'search.budget_nfe', reason: `budget_nfe (${search.budget_nfe}) cannot pay for one image of ${request.steps} steps (${imageNfe} NFEs at guidance ${request.guidance})` });
  }
  // whichever budget is given binds: with budget_nfe alone the image budget steps aside (up to the tenant's limit)
  const budget = search.budget ?? (search.budget_nfe !== undefined ? (context.maxBudget ?? LIMITS.budget) : DEFAULT_IMAGE_BUDGET);
  if (request.n > budget) {
    problems.push({ name: 'n', reason: `n (${request.n}) cannot exceed search.budget (${budget}); raise the budget or lower n` });
  }
  if (problems.length > 0) {
    throw new ValidationFailedError(problems.map((problem) => `${problem.name}: ${problem.reason}`).join('; '), problems);
  }

  return {
    prompt: request.prompt,
    ...(request.negative_prompt !== undefined ? { negativePrompt: request.negative_prompt } : {}),
    n: request.n,
    width: request.width,
    height: request.height,
    steps: request.steps,
    guidance: request.guidance,
    seed: request.seed ?? context.randomSeed(),
    promptOptimization: {
      method,
      mode,
      rounds: optimization.rounds,
      candidates: optimization.candidates,
      noises: optimization.noises,
      ...(optimization.target !== undefined ? { target: optimization.target } : {}),
    },
    search: {
      method: search.method,
      budget,
      searchSteps: search.search_steps ?? request.steps,
      neighbors: search.neighbors,
      cosine: search.cosine,
      onStall: search.on_stall,
      ...(search.threshold !== undefined ? { threshold: search.threshold } : {}),
      ...(search.budget_nfe !== undefined ? { budgetNfe: search.budget_nfe } : {}),
      ...(search.preview_steps !== undefined ? { previewSteps: search.preview_steps } : {}),
      ...(search.keep !== undefined ? { keep: search.keep } : {}),
      ...(search.paths !== undefined ? { paths: search.paths } : {}),
      ...(search.path_start !== undefined ? { pathStart: search.path_start } : {}),
      ...(search.path_forward !== undefined ? { pathForward: search.path_forward } : {}),
      ...(search.path_backward !== undefined ? { pathBackward: search.path_backward } : {}),
      ...(search.particles !== undefined ? { particles: search.particles } : {}),
      ...(search.resample_every !== undefined ? { resampleEvery: search.resample_every } : {}),
      ...(search.potential !== undefined ? { potential: search.potential } : {}),
      ...(search.lambda !== undefined ? { lambda: search.lambda } : {}),
      ...(search.eta !== undefined ? { eta: search.eta } : {}),
    },
    rewards,
    aggregate: request.aggregate,
    ...(request.deadline_ms !== undefined ? { deadlineMs: request.deadline_ms } : {}),
  };
}

/** The plan as the record's `request` field shows it (snake_case, every default filled in). */
export function describePlan(plan: GenerationPlan): GenerationRecord['request'] {
  return {
    prompt: plan.prompt,
    ...(plan.negativePrompt !== undefined ? { negative_prompt: plan.negativePrompt } : {}),
    n: plan.n,
    width: plan.width,
    height: plan.height,
    steps: plan.steps,
    guidance: plan.guidance,
    seed: plan.seed,
    prompt_optimization: { ...plan.promptOptimization },
    search: {
      method: plan.search.method,
      budget: plan.search.budget,
      // what ran: search_steps falls back to steps when the budget leaves no image for the regeneration
      search_steps: effectiveSearchSteps(plan),
      neighbors: plan.search.neighbors,
      cosine: plan.search.cosine,
      on_stall: plan.search.onStall,
      ...(plan.search.threshold !== undefined ? { threshold: plan.search.threshold } : {}),
      ...(plan.search.budgetNfe !== undefined ? { budget_nfe: plan.search.budgetNfe } : {}),
      ...(plan.search.previewSteps !== undefined ? { preview_steps: plan.search.previewSteps } : {}),
      ...(plan.search.keep !== undefined ? { keep: plan.search.keep } : {}),
      ...(plan.search.paths !== undefined ? { paths: plan.search.paths } : {}),
      ...(plan.search.pathStart !== undefined ? { path_start: plan.search.pathStart } : {}),
      ...(plan.search.pathForward !== undefined ? { path_forward: plan.search.pathForward } : {}),
      ...(plan.search.pathBackward !== undefined ? { path_backward: plan.search.pathBackward } : {}),
      ...(plan.search.particles !== undefined ? { particles: plan.search.particles } : {}),
      ...(plan.search.resampleEvery !== undefined ? { resample_every: plan.search.resampleEvery } : {}),
      ...(plan.search.potential !== undefined ? { potential: plan.search.potential } : {}),
      ...(plan.search.lambda !== undefined ? { lambda: plan.search.lambda } : {}),
      ...(plan.search.eta !== undefined ? { eta: plan.search.eta } : {}),
    },
    rewards: plan.rewards.map((reward) => ({ ...reward })),
    aggregate: plan.aggregate,
    ...(plan.deadlineMs !== undefined ? { deadline_ms: plan.deadlineMs } : {}),
  };
}
