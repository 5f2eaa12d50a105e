import { z } from '@hono/zod-openapi';

/** Hard limits of the public API, part of the contract (they appear in openapi.yaml). */
export const LIMITS = {
  promptChars: 2000,
  budget: 256,
  n: 16,
  minSide: 64,
  maxSide: 1024,
  steps: 100,
  rewards: 8,
  deadlineMs: 300_000,
  metadataKeys: 16,
  metadataValueChars: 256,
} as const;

const sideSchema = z
  .number()
  .int()
  .min(LIMITS.minSide)
  .max(LIMITS.maxSide)
  .refine((value) => value % 8 === 0, { message: 'must be a multiple of 8' });

/** Prompt optimization options of a request. */
export const promptOptimizationSchema = z
  .object({
    method: z.enum(['none', 'promptist', 'opt2i']).default('none').openapi({ description: 'Promptist-style rewriting or OPT2I-style LLM revision.' }),
    mode: z
      .enum(['off', 'auto', 'on'])
      .optional()
      .openapi({ description: 'off: never rewrite; on: always; auto: when the method is available and the budget allows. Default: on when a method is named, else off.' }),
    rounds: z.number().int().min(1).max(10).default(3).openapi({ description: 'OPT2I revision rounds.' }),
    candidates: z.number().int().min(1).max(10).default(5).openapi({ description: 'Prompts per round (Promptist k, OPT2I prompts per round).' }),
    noises: z.number().int().min(1).max(16).default(4).openapi({ description: 'Fixed noises every candidate prompt is judged on.' }),
    target: z.number().optional().openapi({ description: 'Stop optimizing once the best prompt reaches this reward.' }),
  })
  .strict()
  .openapi('PromptOptimization');

/** Noise search options of a request. */
export const searchSchema = z
  .object({
    method: z.enum(['best_of_n', 'zero_order']).default('best_of_n'),
    budget: z.number().int().min(1).max(LIMITS.budget).default(4).openapi({ description: `Images the whole request may generate (at most ${LIMITS.budget}).` }),
    search_steps: z.number().int().min(1).max(LIMITS.steps).optional().openapi({ description: 'Sampler steps of search candidates; the winner is regenerated at `steps`. Default: `steps`.' }),
    neighbors: z.number().int().min(1).max(16).default(4).openapi({ description: 'Zero-order: neighbours per step.' }),
    cosine: z.number().gt(0).lt(1).default(0.95).openapi({ description: 'Zero-order: cosine between a neighbour and its pivot.' }),
    on_stall: z.enum(['restart', 'shrink']).default('restart').openapi({ description: 'Zero-order: draw a fresh pivot or shrink the angle when no neighbour improves.' }),
    threshold: z.number().optional().openapi({ description: 'Stop early once the best reward reaches this.' }),
  })
  .strict()
  .openapi('Search');

/** One reward model and its weight. */
export const rewardSchema = z
  .object({
    model: z.string().min(1).max(64).openapi({ example: 'geneval' }),
    weight: z.number().min(0).max(100).default(1),
  })
  .strict()
  .openapi('Reward');

/** Body of `POST /v1/generations`. Only `prompt` is required. */
export const generationRequestSchema = z
  .object({
    prompt: z.string().trim().min(1, 'prompt must not be empty').max(LIMITS.promptChars).openapi({ example: 'a photo of a red train and a purple bear' }),
    negative_prompt: z.string().max(LIMITS.promptChars).optional(),
    n: z.number().int().min(1).max(LIMITS.n).default(1).openapi({ description: 'How many top images `images` returns.' }),
    width: sideSchema.default(512),
    height: sideSchema.default(512),
    steps: z.number().int().min(1).max(LIMITS.steps).default(20),
    guidance: z.number().min(0).max(30).default(5),
    seed: z.number().int().min(0).max(0xffffffff).optional().openapi({ description: 'Root seed; the same request with the same seed gives the same record. Random when absent (the record says which).' }),
    prompt_optimization: promptOptimizationSchema.prefault({}),
    search: searchSchema.prefault({}),
    rewards: z.array(rewardSchema).min(1).max(LIMITS.rewards).optional().openapi({ description: 'Scorers of the reward. Default: the deployment\'s default rewards (see GET /v1/models).' }),
    aggregate: z.enum(['rank', 'zscore', 'weighted_sum']).default('rank'),
    deadline_ms: z.number().int().min(1).max(LIMITS.deadlineMs).optional().openapi({ description: 'Anytime deadline: no call is started that cannot finish before it, and past it the best so far is returned, marked `truncated`. A deadline too short for any image answers 504 `deadline_exceeded` (the record is kept).' }),
    metadata: z
      .record(z.string().max(64), z.string().max(LIMITS.metadataValueChars))
      .refine((value) => Object.keys(value).length <= LIMITS.metadataKeys, { message: `at most ${LIMITS.metadataKeys} keys` })
      .optional(),
  })
  .strict()
  .openapi('GenerationRequest');

/** A parsed generation request (defaults applied). */
export type GenerationRequest = z.infer<typeof generationRequestSchema>;
