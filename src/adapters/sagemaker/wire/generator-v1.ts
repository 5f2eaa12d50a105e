import { z } from 'zod';
import { noiseRecipeSchema } from '../../../ports/noise-recipe.js';

/**
 * `generator-v1`: diffalign's wire format of a text-to-image endpoint (the handler in
 * `infra/endpoints/` serves it). One request is a batch; the answer has one image per item, in order.
 * Requests are strict (we write them); what we read from endpoints is lenient (unknown fields pass,
 * optional fields have fallbacks).
 */
export const GENERATOR_V1 = 'generator-v1';

/** One item of a generator-v1 batch. */
export const generatorV1ItemSchema = z.object({
  prompt: z.string(),
  negative_prompt: z.string().optional(),
  /** `z = Σ wᵢ·ε(seedᵢ) / √(Σ wᵢ²)`, ε(seed) the endpoint's standard-normal tensor for that seed. */
  noise: noiseRecipeSchema,
  steps: z.number().int().min(1).max(1000),
  guidance: z.number().finite(),
  width: z.number().int().min(8).max(4096),
  height: z.number().int().min(8).max(4096),
  format: z.literal('png'),
  /** Write the image to this presigned PUT URL instead of answering its bytes; `url` is what to answer (default: put_url without its query). */
  output: z.object({ put_url: z.url(), url: z.url().optional() }).optional(),
});

/** A generator-v1 request body. */
export const generatorV1RequestSchema = z.object({
  version: z.literal(GENERATOR_V1),
  items: z.array(generatorV1ItemSchema).min(1),
});

/** One generated image: inline base64 or a URL, its media type and the NFEs it took. */
export const generatorV1ImageSchema = z
  .object({
    b64: z.string().optional(),
    url: z.string().optional(),
    media_type: z.string().optional(),
    nfe: z.number().nonnegative().optional(),
  })
  .loose();

/** A non-fatal note from the endpoint (the port's Warning, on the wire). */
export const wireWarningSchema = z
  .object({ type: z.string().optional(), feature: z.string().optional(), details: z.string().optional(), message: z.string().optional() })
  .loose();

/** A generator-v1 response body. */
export const generatorV1ResponseSchema = z
  .object({
    version: z.string().optional(),
    model: z.string().optional(),
    images: z.array(generatorV1ImageSchema),
    warnings: z.array(wireWarningSchema).optional(),
  })
  .loose();

export type GeneratorV1Item = z.infer<typeof generatorV1ItemSchema>;
export type GeneratorV1Request = z.infer<typeof generatorV1RequestSchema>;
export type GeneratorV1Image = z.infer<typeof generatorV1ImageSchema>;
export type GeneratorV1Response = z.infer<typeof generatorV1ResponseSchema>;
export type WireWarning = z.infer<typeof wireWarningSchema>;
