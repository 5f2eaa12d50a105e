import type { GenerationPlan } from '../generation-plan.js';

/** Images a request reserves for regenerating the winner at full steps: 1 when search runs at fewer steps and the budget allows. */
export function finalReserve(plan: GenerationPlan): number {
  return effectiveSearchSteps(plan) < plan.steps && plan.search.budget >= 2 ? 1 : 0;
}

/** Steps of search candidates: plan.search.searchSteps, or the final steps when unset/invalid or the budget has no room for a final image. */
export function effectiveSearchSteps(plan: GenerationPlan): number {
  const steps = plan.search.searchSteps;
  if (!Number.isInteger(steps) || steps < 1 || steps >= plan.steps || plan.search.budget < 2) return plan.steps;
  return steps;
}

/**
 * Images prompt optimization may spend: half of what search may use (budget minus the final reserve),
 * so `auto` leaves at least half to noise search; `on` may go up to `minimumCost` beyond that half.
 */
export function promptImageCap(plan: GenerationPlan, minimumCost: number): number {
  const available = plan.search.budget - finalReserve(plan);
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
