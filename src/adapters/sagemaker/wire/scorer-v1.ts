import { z } from 'zod';

/**
 * `scorer-v1`: diffalign's wire format of a reward-model endpoint. One endpoint may serve several
 * models (`model` picks one); scores come back one per item, in order, higher is better, `null` where
 * the model abstains (its detail's `abstained` says why).
 */
export const SCORER_V1 = 'scorer-v1';

/** An image on the wire: inline base64 with its media type, or a URL the endpoint fetches (media type optional). */
export const wireImageSchema = z.union([
  z.object({ b64: z.string().min(1), media_type: z.string().min(1) }),
  z.object({ url: z.url(), media_type: z.string().min(1).optional() }),
]);

/** One (prompt, image) pair to score. */
export const scorerV1ItemSchema = z.object({ prompt: z.string(), image: wireImageSchema });

/** A scorer-v1 request body. */
export const scorerV1RequestSchema = z.object({
  version: z.literal(SCORER_V1),
  model: z.string().min(1),
  items: z.array(scorerV1ItemSchema).min(1),
});

/** Per-item explanation beside the number (the port's ScoreDetail, on the wire). */
export const scoreDetailV1Schema = z
  .object({
    failed: z.array(z.string()).optional(),
    passed: z.array(z.string()).optional(),
    abstained: z.string().optional(),
  })
  .loose();

/** A scorer-v1 response body. */
export const scorerV1ResponseSchema = z
  .object({
    version: z.string().optional(),
    model: z.string().optional(),
    scores: z.array(z.number().nullable()),
    details: z.array(scoreDetailV1Schema.nullable()).optional(),
  })
  .loose();

export type WireImage = z.infer<typeof wireImageSchema>;
export type ScorerV1Item = z.infer<typeof scorerV1ItemSchema>;
export type ScorerV1Request = z.infer<typeof scorerV1RequestSchema>;
export type ScorerV1Response = z.infer<typeof scorerV1ResponseSchema>;
