import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from '@hono/zod-openapi';
import { succeededRecordExample } from '../schemas/generation-examples.js';
import { generationWebhookSchema } from '../schemas/webhook-message.js';

const signatureHeaders = z.object({
  'webhook-id': z.string().openapi({ param: { name: 'webhook-id', in: 'header', required: true }, description: 'The message id (`msg_<generation id>_done`, or `msg_<generation id>_<event id>` for `best`): the same on every attempt, so a receiver can drop a message it already handled.', example: 'msg_01a233b7bbf37334aa699d80f0535482_done' }),
  'webhook-timestamp': z.string().regex(/^\d+$/).openapi({ param: { name: 'webhook-timestamp', in: 'header', required: true }, description: 'Seconds since the epoch when this attempt was signed: refuse one more than 5 minutes away from your clock.', example: '1796164024' }),
  'webhook-signature': z.string().openapi({ param: { name: 'webhook-signature', in: 'header', required: true }, description: '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`, keyed by the bytes of the tenant\'s `whsec_` secret (Standard Webhooks).', example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' }),
});

/** The webhook diffalign sends (OpenAPI `webhooks`): what a receiver implements. */
export const generationWebhook: RouteConfig = {
  method: 'post',
  path: 'generation',
  operationId: 'receiveGenerationWebhook',
  tags: ['Generations'],
  // the receiver's own endpoint: diffalign authenticates by signature, not by a scheme of this API
  security: [],
  summary: 'A generation ended, or found a new best (sent to `webhook_url`)',
  description:
    'Sent to the `webhook_url` of a generation request, signed per Standard Webhooks with the signing secret of the request\'s API key (`npx diffalign keys create --json` prints it) or, with auth off, `DIFFALIGN_WEBHOOK_SECRET`. Answer 2xx within 10 s once you have the message; any other answer (or none) is retried with exponential backoff (5 attempts by default); 410 stops the retries. Each delivery is shown on the record (`webhook_deliveries`).',
  request: {
    headers: signatureHeaders,
    body: { required: true, content: { 'application/json': { schema: generationWebhookSchema, examples: { completed: { summary: 'A generation succeeded', value: { type: 'generation.completed', timestamp: '2026-12-01T22:27:04.000Z', data: JSON.parse(JSON.stringify(succeededRecordExample)) as unknown } } } } } },
  },
  responses: {
    200: { description: 'Received (any 2xx).' },
    410: { description: 'Gone: stop sending this message.' },
  },
};
