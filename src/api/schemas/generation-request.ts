import { z } from '@hono/zod-openapi';
import { webhookRequestFields } from './webhook.js';

/** Hard limits of the public API, part of the contract (they appear in openapi.yaml). */
export const LIMITS = {
  promptChars: 2000,
  budget: 256,
  n: 16,
  minSide: 64,
  maxSide: 1024,
  sideMultiple: 8,
  steps: 100,
  guidance: 30,
  rewards: 8,
  rewardWeight: 100,
  modelIdChars: 64,
  deadlineMs: 300_000,
  metadataKeys: 16,
  metadataKeyChars: 64,
  metadataValueChars: 256,
  optimizationRounds: 10,
  optimizationCandidates: 10,
  optimizationNoises: 16,
  neighbors: 16,
  budgetNfe: 51_200,
  paths: 64,
  particles: 64,
  seedMax: 0xffffffff,
} as const;

/** Prompt optimization methods. */
export const promptOptimizationMethodSchema = z
  .enum(['none', 'promptist', 'opt2i'])
  .openapi('PromptOptimizationMethod', { description: '`promptist`: a rewriter model turns the prompt into model-preferred prompts; `opt2i`: an LLM revises it over rounds, seeing how each prompt scored; `none`.' });

/** When prompt optimization runs. */
export const promptOptimizationModeSchema = z
  .enum(['off', 'auto', 'on'])
  .openapi('PromptOptimizationMode', { description: '`off`: never rewrite; `on`: always (422 when the method is not served); `auto`: when the method is served and the budget allows.' });

/** Noise search methods. */
export const searchMethodSchema = z
  .enum(['best_of_n', 'zero_order', 'preview_prune', 'paths', 'particles'])
  .openapi('SearchMethod', {
    description:
      '`best_of_n`: independent initial noises; `zero_order`: walks the neighbourhood of the best noise so far; `preview_prune`: successive halving over noises on cheap x̂₀ previews, the winner finished from its checkpoint; `paths`: search over paths (denoise, re-noise with fresh noises, denoise back, keep the best); `particles`: FK steering (stochastic sampler, resampling on preview rewards). The last three need a generator-v2 backend (else best_of_n runs, with a warning).',
  });

/** FK steering's potentials. */
export const particlePotentialSchema = z
  .enum(['max', 'difference', 'sum'])
  .openapi('ParticlePotential', { description: 'Particles: the potential on a lineage\'s intermediate rewards — the best so far, the latest change, or the sum.' });

/** What zero-order search does when no neighbour improves. */
export const stallPolicySchema = z.enum(['restart', 'shrink']).openapi('StallPolicy', { description: '`restart`: draw a fresh pivot noise; `shrink`: narrow the angle around the pivot.' });

/** How several reward models' scores become one reward. */
export const rewardAggregateSchema = z
  .enum(['rank', 'zscore', 'weighted_sum'])
  .openapi('RewardAggregate', { description: '`rank`: weighted mean of per-scorer ranks within the generation; `zscore`: weighted mean of calibrated z-scores; `weighted_sum`: weighted sum of raw scores.' });

const sideSchema = z
  .number()
  .int()
  .min(LIMITS.minSide)
  .max(LIMITS.maxSide)
  .multipleOf(LIMITS.sideMultiple, { message: `must be a multiple of ${LIMITS.sideMultiple}` })
  // zod-to-openapi does not emit multipleOf; the spec says what the check above does
  .openapi({ multipleOf: LIMITS.sideMultiple });

/** Prompt optimization options of a request. */
export const promptOptimizationSchema = z
  .object({
    method: promptOptimizationMethodSchema.prefault('none').openapi({ description: 'Which optimizer rewrites the prompt.' }),
    mode: promptOptimizationModeSchema.optional().openapi({ description: 'Default: `on` when a method is named, else `off`.' }),
    rounds: z.number().int().min(1).max(LIMITS.optimizationRounds).default(3).openapi({ description: 'OPT2I revision rounds.' }),
    candidates: z.number().int().min(1).max(LIMITS.optimizationCandidates).default(5).openapi({ description: 'Prompts per round (Promptist k, OPT2I prompts per round).' }),
    noises: z.number().int().min(1).max(LIMITS.optimizationNoises).default(4).openapi({ description: 'Fixed noises every candidate prompt is judged on.' }),
    target: z.number().optional().openapi({ description: 'Stop optimizing once the best prompt reaches this reward.' }),
  })
  .strict()
  .openapi({
    description:
      'Prompt optimization. 422 when `mode` is `on` and the method is not served by this deployment (see `GET /v1/models`), and when `mode` is `on` with method `none`.',
  });

/** Noise search options of a request. */
export const searchSchema = z
  .object({
    method: searchMethodSchema.prefault('best_of_n').openapi({ description: 'How initial noises are searched.' }),
    budget: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.budget)
      .optional()
      .openapi({ description: `Images the whole request may generate (at most ${LIMITS.budget}; a tenant may have a lower limit: 422 \`budget_over_limit\`). Must be at least \`n\`. Default: 4, or the tenant's limit when \`budget_nfe\` is given (then the NFEs bind).` }),
    search_steps: z.number().int().min(1).max(LIMITS.steps).optional().openapi({ description: 'Sampler steps of search candidates; the winner is regenerated at `steps`. At most `steps`. Default: `steps`.' }),
    neighbors: z.number().int().min(1).max(LIMITS.neighbors).default(4).openapi({ description: 'Zero-order: neighbours per step.' }),
    cosine: z.number().gt(0).lt(1).default(0.95).openapi({ description: 'Zero-order: cosine between a neighbour and its pivot.' }),
    on_stall: stallPolicySchema.prefault('restart').openapi({ description: 'Zero-order: what to do when no neighbour improves.' }),
    threshold: z.number().optional().openapi({ description: 'Stop early once the best reward reaches this.' }),
    budget_nfe: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.budgetNfe)
      .optional()
      .openapi({ description: `Denoiser evaluations (NFEs: steps, ×2 with guidance > 1) the whole request may spend — previews, prompt judging, regenerations and retries included; never exceeded (a call that could overshoot is not started). With \`budget\` too, the tighter binds (\`budget\` images are worth the NFEs of that many full-step images).` }),
    preview_steps: z.number().int().min(1).max(LIMITS.steps).optional().openapi({ description: 'preview_prune: the step of the first preview. Default: steps/4.' }),
    keep: z.number().gt(0).max(1).optional().openapi({ description: 'preview_prune: share of trajectories kept at each preview. Default 0.5 (successive halving).' }),
    paths: z.number().int().min(1).max(LIMITS.paths).optional().openapi({ description: 'paths: N, paths kept per round (each re-noised with `neighbors` fresh noises). Default: as many as the budget affords.' }),
    path_start: z.number().int().min(1).max(LIMITS.steps).optional().openapi({ description: 'paths: the step where the search over paths begins. Default: steps/2.' }),
    path_forward: z.number().int().min(1).max(LIMITS.steps).optional().openapi({ description: 'paths: Δf, steps re-noised back per round. Default: steps/10.' }),
    path_backward: z.number().int().min(1).max(LIMITS.steps).optional().openapi({ description: 'paths: Δb, steps denoised after re-noising; more than Δf. Default: 2·Δf.' }),
    particles: z.number().int().min(1).max(LIMITS.particles).optional().openapi({ description: 'particles: K. Default: as many as the budget affords, at most 16.' }),
    resample_every: z.number().int().min(1).max(LIMITS.steps).optional().openapi({ description: 'particles: steps between resamplings. Default: steps/5.' }),
    potential: particlePotentialSchema.optional().openapi({ description: 'particles: the potential. Default `max`.' }),
    lambda: z.number().min(0).max(1000).optional().openapi({ description: 'particles: λ, the potential\'s inverse temperature on raw preview scores. Default 10.' }),
    eta: z.number().min(0).max(1).optional().openapi({ description: 'particles: η of the stochastic sampler (1: DDPM). Default 1.' }),
  })
  .strict()
  .openapi({ description: 'Noise search under the image budget and, when given, the NFE budget.' });

/** One reward model and its weight. */
export const rewardSchema = z
  .object({
    model: z.string().min(1).max(LIMITS.modelIdChars).openapi({ description: 'A scorer id this deployment serves (`GET /v1/models`); another is 422.', example: 'geneval' }),
    weight: z.number().min(0).max(LIMITS.rewardWeight).default(1),
  })
  .strict();

/**
 * Body of `POST /v1/generations`. Only `prompt` is required. The request schemas carry no component name:
 * inline in the request body, their `default`s keep the fields optional in generated clients
 * (openapi-typescript makes a component property with a default required).
 */
export const generationRequestSchema = z
  .object({
    prompt: z
      .string()
      .max(LIMITS.promptChars)
      .trim()
      .min(1, 'prompt must not be empty')
      .openapi({ pattern: '\\S', description: 'What to generate: at most 2000 characters, not blank (leading and trailing white space is trimmed).', example: 'a photo of a red train and a purple bear' }),
    negative_prompt: z.string().max(LIMITS.promptChars).optional().openapi({ description: 'What to avoid; a backend that cannot honour it says so in `warnings`.' }),
    n: z.number().int().min(1).max(LIMITS.n).default(1).openapi({ description: 'How many top images `images` returns; at most `search.budget`.' }),
    width: sideSchema.default(512),
    height: sideSchema.default(512),
    steps: z.number().int().min(1).max(LIMITS.steps).default(20).openapi({ description: 'Sampler steps of the returned image.' }),
    guidance: z.number().min(0).max(LIMITS.guidance).default(5).openapi({ description: 'Classifier-free guidance scale.' }),
    seed: z.number().int().min(0).max(LIMITS.seedMax).optional().openapi({ description: 'Root seed; the same request with the same seed gives the same record. Random when absent (the record\'s `request` says which).' }),
    prompt_optimization: promptOptimizationSchema.prefault({}),
    search: searchSchema.prefault({}),
    rewards: z
      .array(rewardSchema)
      .min(1)
      .max(LIMITS.rewards)
      .optional()
      .openapi({ description: 'Scorers of the reward, at least one with a weight above 0 (422 otherwise). Default: the deployment\'s `default_rewards` (`GET /v1/models`).' }),
    aggregate: rewardAggregateSchema.prefault('rank').openapi({ description: 'How the rewards\' scores become one reward.' }),
    deadline_ms: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.deadlineMs)
      .optional()
      .openapi({ description: 'Anytime deadline: no call is started that cannot finish before it, and past it the best so far is returned, marked `truncated`. A deadline too short for any image answers 504 `deadline_exceeded` (the record is kept).' }),
    metadata: z
      .record(z.string().max(LIMITS.metadataKeyChars), z.string().max(LIMITS.metadataValueChars))
      .refine((value) => Object.keys(value).length <= LIMITS.metadataKeys, { message: `at most ${LIMITS.metadataKeys} keys` })
      .optional()
      .openapi({
        maxProperties: LIMITS.metadataKeys,
        // JSON Schema's propertyNames, which the metadata type does not list
        ...({ propertyNames: { maxLength: LIMITS.metadataKeyChars } } as object),
        description: 'Your own string labels, kept on the record (at most 16 keys of at most 64 characters, values of at most 256). `app_user` names the pseudonymous user an erasure request can remove.',
        example: { app_user: 'u-123' },
      }),
    ...webhookRequestFields,
  })
  .strict()
  .openapi({ description: 'A generation request. Only `prompt` is required; unknown fields are rejected (422), so a misspelt option never silently does nothing.' });

/** A parsed generation request (defaults applied). */
export type GenerationRequest = z.infer<typeof generationRequestSchema>;
