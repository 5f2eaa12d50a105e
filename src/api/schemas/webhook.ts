import { z } from '@hono/zod-openapi';

/** Which moments of a generation are sent to its `webhook_url`. */
export const webhookEventTypeSchema = z
  .enum(['completed', 'best'])
  .openapi('WebhookEventType', { description: '`completed`: the generation ended (`succeeded`, possibly `truncated`, `failed` or `cancelled`); `best`: a new best candidate so far (while it runs).' });

/** Fields a generation request may carry to be told about it by webhook. */
export const webhookRequestFields = {
  webhook_url: z
    .string()
    .max(2048)
    .optional()
    .openapi({
      format: 'uri',
      description:
        'Where to POST the record (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`, signed with the tenant\'s secret). `https` to a public host; `http://127.0.0.1`, `localhost` or `[::1]` only when the server itself runs on loopback. 422 for any other, or when no signing secret is configured for the request\'s key (or, with auth off, `DIFFALIGN_WEBHOOK_SECRET`).',
      example: 'https://app.example.com/hooks/diffalign',
    }),
  webhook_events: z
    .array(webhookEventTypeSchema)
    .min(1)
    .max(2)
    .optional()
    .openapi({ description: 'What to send (with `webhook_url` only). Default: `["completed"]`.' }),
};

/** How a generation's webhook is sent, as its record keeps it. */
export const webhookSubscriptionSchema = z
  .object({
    url: z.string().openapi({ format: 'uri' }),
    events: z.array(webhookEventTypeSchema),
    signing_key_id: z.string().nullable().openapi({ description: 'The API key whose webhook secret signs the deliveries; null: the deployment\'s `DIFFALIGN_WEBHOOK_SECRET` (auth off).' }),
  })
  .openapi('WebhookSubscription');

/** Where a delivery stands. */
export const webhookDeliveryStatusSchema = z
  .enum(['pending', 'delivered', 'failed', 'gone'])
  .openapi('WebhookDeliveryStatus', { description: '`pending` (being sent or waiting to be retried), `delivered` (a 2xx), `failed` (every attempt failed), `gone` (the receiver answered 410: no retries).' });

/** One webhook message of a generation and its attempts. */
export const webhookDeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The message\'s `webhook-id` (the same on every attempt: receivers deduplicate on it).', example: 'msg_01a233b7bbf37334aa699d80f0535482_done' }),
    event: webhookEventTypeSchema,
    attempts: z.number().int().min(0),
    status: webhookDeliveryStatusSchema,
    last_status_code: z.number().int().nullable().openapi({ description: 'HTTP status of the last attempt; null before one answered (or when it could not connect).' }),
    delivered_at: z.iso.datetime().nullable(),
  })
  .openapi('WebhookDelivery');

/** A webhook subscription as stored on a record. */
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;
/** One delivery as shown on a record. */
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
