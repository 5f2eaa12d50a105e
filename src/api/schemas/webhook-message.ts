import { z } from '@hono/zod-openapi';
import { generationRecordSchema } from './generation-record.js';

/** The body diffalign POSTs to a webhook. */
export const generationWebhookSchema = z
  .object({
    type: z.enum(['generation.completed', 'generation.best']).openapi('GenerationWebhookType', { description: '`generation.completed`: the generation ended; `generation.best`: a new best candidate so far.' }),
    timestamp: z.iso.datetime().openapi({ description: 'When the message was made (the same on every attempt).' }),
    data: generationRecordSchema,
  })
  .openapi('GenerationWebhook', { description: 'A webhook message: the record at that moment (for `generation.best`, with the new `best`).' });

/** A webhook message body. */
export type GenerationWebhook = z.infer<typeof generationWebhookSchema>;
