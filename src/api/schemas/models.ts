import { z } from '@hono/zod-openapi';
import { resolvedRewardSchema } from './generation-record.js';

/** A prompt optimization method a deployment can serve. */
export const optimizerMethodSchema = z.enum(['promptist', 'opt2i']).openapi('OptimizerMethod', { description: 'A prompt optimization method a deployment serves.' });

/** Body of `GET /v1/models`. */
export const modelsSchema = z
  .object({
    generators: z.array(
      z
        .object({ id: z.string(), provider: z.string().openapi({ example: 'reference' }), max_batch_size: z.number().int().min(1) })
        .openapi('GeneratorInfo'),
    ),
    scorers: z.array(
      z
        .object({
          id: z.string().openapi({ description: 'What `rewards[].model` names.', example: 'geneval' }),
          provider: z.string(),
          model_id: z.string(),
          range: z.object({ min: z.number(), max: z.number() }).optional().openapi({ description: 'The range of its raw scores, when bounded.' }),
          default_weight: z.number().optional(),
        })
        .openapi('ScorerInfo'),
    ),
    prompt_optimizers: z.array(z.object({ method: optimizerMethodSchema, provider: z.string(), model_id: z.string() }).openapi('PromptOptimizerInfo')),
    default_rewards: z
      .array(resolvedRewardSchema)
      .openapi({ description: 'The rewards of a request that names none.' }),
  })
  .openapi('Models', { description: 'What this deployment serves: what a request can name.' });
