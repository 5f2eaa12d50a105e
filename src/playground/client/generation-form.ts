import type { GenerationRequestBody } from './api-client.js';

/** What the page's form holds. */
export interface GenerationFormValues {
  readonly prompt: string;
  readonly optimization: 'none' | 'promptist' | 'opt2i';
  /** A search method of the request schema (the page's select lists them all). */
  readonly search: NonNullable<NonNullable<GenerationRequestBody['search']>['method']>;
  readonly budget: number;
  /** Scorers that are switched on, with their weights. */
  readonly rewards: readonly { readonly model: string; readonly weight: number }[];
  readonly aggregate: 'rank' | 'zscore' | 'weighted_sum';
  /** Width and height of the images (square). */
  readonly size: number;
  readonly steps: number;
  /** Empty: a random seed (the record says which). */
  readonly seed: number | undefined;
  /** The pseudonymous user, kept on the record as `metadata.app_user` (an erasure request names it). */
  readonly appUser: string;
}

/** The `POST /v1/generations` body of the form; options left at their default are not sent. */
export function generationRequest(values: GenerationFormValues): GenerationRequestBody {
  return {
    prompt: values.prompt.trim(),
    width: values.size,
    height: values.size,
    steps: values.steps,
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.optimization !== 'none' ? { prompt_optimization: { method: values.optimization } } : {}),
    search: { method: values.search, budget: values.budget },
    ...(values.rewards.length > 0 ? { rewards: values.rewards.map((reward) => ({ model: reward.model, weight: reward.weight })) } : {}),
    aggregate: values.aggregate,
    metadata: { app_user: values.appUser, client: 'playground' },
  };
}
