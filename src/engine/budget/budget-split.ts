import type { GenerationPlan, SearchMethod } from '../generation-plan.js';
import { imageNfe, nfeCap } from './nfe-cost.js';

/** The methods that run partial schedules through generator v2 and finish their own trajectories at full steps. */
export const COMPUTE_AWARE_METHODS: readonly SearchMethod[] = ['preview_prune', 'paths', 'particles'];

/** Whether a method is compute-aware (needs generator v2; no search_steps, no regeneration). */
export function isComputeAware(method: SearchMethod): boolean {
  return COMPUTE_AWARE_METHODS.includes(method);
}

/** Images a request reserves for regenerating the winner at full steps: 1 when search runs at fewer steps and the budget allows. */
export function finalReserve(plan: GenerationPlan): number {
  return effectiveSearchSteps(plan) < plan.steps && imageBudget(plan) >= 2 ? 1 : 0;
}

/** NFEs a request keeps for regenerating the winner (those of one full-step image when it reserves one). */
export function finalReserveNfe(plan: GenerationPlan): number {
  return finalReserve(plan) > 0 ? imageNfe(plan.steps, plan.guidance) : 0;
}

/** The asked search steps when they are fewer than the final steps (else the final steps). */
function askedSearchSteps(plan: GenerationPlan): number {
  const steps = plan.search.searchSteps;
  if (isComputeAware(plan.search.method) || !Number.isInteger(steps) || steps < 1 || steps >= plan.steps) return plan.steps;
  return steps;
}

/**
 * Images the request can afford: `budget`, and under an NFE cap at most what fits it — one final image
 * plus search images at search_steps, or whole images when not even one of each fits.
 */
export function imageBudget(plan: GenerationPlan): number {
  const cap = nfeCap(plan);
  const finalCost = imageNfe(plan.steps, plan.guidance);
  const searchSteps = askedSearchSteps(plan);
  let affordable = Math.floor(cap / finalCost);
  if (searchSteps < plan.steps) {
    const searchImages = Math.floor((cap - finalCost) / imageNfe(searchSteps, plan.guidance));
    if (searchImages >= 1) affordable = searchImages + 1;
  }
  return Math.max(0, Math.min(plan.search.budget, affordable));
}

/** Steps of search candidates: plan.search.searchSteps, or the final steps when unset/invalid, compute-aware, or the budget has no room for a final image. */
export function effectiveSearchSteps(plan: GenerationPlan): number {
  const steps = askedSearchSteps(plan);
  if (steps >= plan.steps || imageBudget(plan) < 2) return plan.steps;
  return steps;
}

/**
 * Images prompt optimization may spend: half of what search may use (budget minus the final reserve),
 * so `auto` leaves at least half to noise search; `on` may go up to `minimumCost` beyond that half.
 */
export function promptImageCap(plan: GenerationPlan, minimumCost: number): number {
  const available = imageBudget(plan) - finalReserve(plan);
  const half = Math.floor(available / 2);
  if (plan.promptOptimization.mode === 'on') return Math.max(half, Math.min(available, minimumCost));
  return half;
}

/** Rewrites and fixed noises of a prompt-optimization run, as fitted to its image cap. */
export interface PromptJudgingSize {
  readonly candidates: number;
  readonly noises: number;
}

/**
 * Promptist: (1 + k) prompts (the user's and k rewrites) each on m noises must fit `cap`.
 * Shrinks the larger of (1 + k) and m first, keeping k >= 1 and m >= 1; null when 2 images do not fit.
 */
export function fitPromptist(candidates: number, noises: number, cap: number): PromptJudgingSize | null {
  let k = Math.max(1, Math.floor(candidates));
  let m = Math.max(1, Math.floor(noises));
  if (cap < 2) return null;
  while ((1 + k) * m > cap) {
    if (m > 1 && (m >= 1 + k || k === 1)) m -= 1;
    else k -= 1;
  }
  return { candidates: k, noises: m };
}

/**
 * OPT2I: the user's prompt on m noises plus at least one round with one revision must fit `cap`
 * (2m images); shrinks m; null when even m = 1 does not fit. Rounds then take what is left.
 */
export function fitOpt2i(candidates: number, noises: number, cap: number): PromptJudgingSize | null {
  const k = Math.max(1, Math.floor(candidates));
  let m = Math.max(1, Math.floor(noises));
  if (cap < 2) return null;
  while (2 * m > cap) m -= 1;
  return { candidates: k, noises: m };
}
