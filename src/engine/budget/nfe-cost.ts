import { evaluationsPerStep } from '../../ports/index.js';
import type { GenerationPlan } from '../generation-plan.js';

/** Denoiser evaluations of running schedule positions [from, to) at a guidance scale. */
export function segmentNfe(from: number, to: number, guidance: number): number {
  return Math.max(0, to - from) * evaluationsPerStep(guidance);
}

/** Denoiser evaluations of one whole image of `steps` steps. */
export function imageNfe(steps: number, guidance: number): number {
  return segmentNfe(0, steps, guidance);
}

/**
 * The NFE cap a plan runs under: `budgetNfe`, or the NFEs of `budget` full-step images when that is
 * tighter (an image budget bounds partial trajectories too, so both budgets speak the same unit).
 */
export function nfeCap(plan: GenerationPlan): number {
  const ofImages = plan.search.budget * imageNfe(plan.steps, plan.guidance);
  return plan.search.budgetNfe === undefined ? ofImages : Math.min(ofImages, Math.max(0, Math.floor(plan.search.budgetNfe)));
}

/** The cap retries may not pass: the request's budget_nfe, or none under an image budget alone. */
export function hardNfeCap(plan: GenerationPlan): number {
  return plan.search.budgetNfe === undefined ? Number.POSITIVE_INFINITY : nfeCap(plan);
}
