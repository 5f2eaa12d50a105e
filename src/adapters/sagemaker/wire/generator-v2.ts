import { z } from 'zod';
import { latentCheckpointSchema } from '../../../ports/latent-checkpoint.js';
import { noiseRecipeSchema } from '../../../ports/noise-recipe.js';
import { generatorV1ItemSchema, wireWarningSchema } from './generator-v1.js';

/**
 * `generator-v2`: generator-v1 plus partial schedules. An item may run positions [from, to) of its
 * `steps`-step schedule, from its noise (from = 0) or from a checkpoint (`start`) the endpoint answered
 * earlier, re-noised back to `from` first when `renoise` is given; with `sampler.eta` > 0 it runs DDIM(η)
 * with ε(fmix32(seed + 0x9e3779b9·(position + 1))) injected at each position. Before the end it may
 * answer its latent at `to` (`return_latents`) and an x̂₀ preview PNG (`preview`). The endpoint keeps no
 * state between calls: every checkpoint travels inline (deflated, base64), a few tens of KB for an
 * SD-class latent, far under the 6 MB payload limit. Requests are strict, answers lenient (as v1).
 */
export const GENERATOR_V2 = 'generator-v2';

/** DDIM(η) and the seed of its injected noise. */
export const samplerWireSchema = z.object({ eta: z.number().min(0).max(1), seed: z.number().int().min(0).max(0xffffffff) });

/** One item of a generator-v2 batch. */
export const generatorV2ItemSchema = generatorV1ItemSchema.extend({
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(1).optional(),
  start: latentCheckpointSchema.optional(),
  renoise: noiseRecipeSchema.optional(),
  sampler: samplerWireSchema.optional(),
  return_latents: z.boolean().optional(),
  preview: z.object({ width: z.number().int().min(8).max(4096), height: z.number().int().min(8).max(4096) }).optional(),
});

/** A generator-v2 request body. */
export const generatorV2RequestSchema = z.object({
  version: z.literal(GENERATOR_V2),
  items: z.array(generatorV2ItemSchema).min(1),
});

/** What one item produced: the final image or the preview (inline or a URL), the checkpoint, the NFEs. */
export const generatorV2OutputSchema = z
  .object({
    b64: z.string().optional(),
    url: z.string().optional(),
    media_type: z.string().optional(),
    preview: z.boolean().optional(),
    latents: latentCheckpointSchema.loose().optional(),
    nfe: z.number().nonnegative().optional(),
  })
  .loose();

/** A generator-v2 response body. */
export const generatorV2ResponseSchema = z
  .object({
    version: z.string().optional(),
    model: z.string().optional(),
    outputs: z.array(generatorV2OutputSchema),
    warnings: z.array(wireWarningSchema).optional(),
  })
  .loose();

export type GeneratorV2Item = z.infer<typeof generatorV2ItemSchema>;
export type GeneratorV2Request = z.infer<typeof generatorV2RequestSchema>;
export type GeneratorV2Output = z.infer<typeof generatorV2OutputSchema>;
export type GeneratorV2Response = z.infer<typeof generatorV2ResponseSchema>;
