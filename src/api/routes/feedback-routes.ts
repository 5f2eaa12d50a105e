import { createRoute, z } from '@hono/zod-openapi';
import { problemSchema } from '../schemas/generation-record.js';
import { feedbackBatchSchema } from '../schemas/feedback.js';
import { erasureRequestSchema } from './erasures.js';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

/** The `Idempotency-Key` request header (IETF draft), on POSTs that create something. */
export const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .optional()
    .openapi({
      param: { name: 'Idempotency-Key', in: 'header' },
      description:
        '1-255 visible ASCII characters. The same key and body within 24 h replays the first answer (`Idempotent-Replayed: true`); another body with the key is 422 `idempotency_key_reused`; a duplicate that arrives while the first runs waits for it (then 409 `idempotency_in_progress` with Retry-After after 60 s). A first request that failed releases its key.',
    }),
});

/** Answer of `POST /v1/feedback`. */
export const feedbackAcceptedSchema = z
  .object({
    object: z.literal('feedback_batch'),
    batch_id: z.string(),
    accepted: z.number().int(),
    event_ids: z.array(z.string()).openapi({ description: 'Server ids of the events, in request order.' }),
    received_at: z.string(),
  })
  .openapi('FeedbackAccepted');

/** `POST /v1/feedback`. */
export const postFeedbackRoute = createRoute({
  method: 'post',
  path: '/v1/feedback',
  operationId: 'createFeedback',
  summary: 'Report feedback on generated images',
  description:
    'A batch of implicit and explicit feedback events (impressions, selections, downloads, shares, upscales, regenerations, dismissals, ratings, pairwise comparisons). Answered 202 only after the batch is durably stored; only events with `consent: true` are ever harvested into training data.',
  request: {
    body: { required: true, content: { 'application/json': { schema: feedbackBatchSchema } } },
    headers: idempotencyKeyHeader,
  },
  responses: {
    202: { description: 'Stored.', content: { 'application/json': { schema: feedbackAcceptedSchema } } },
    400: problemResponse('The body is not JSON, or the Idempotency-Key is malformed.'),
    413: problemResponse('The body is too large.'),
    422: problemResponse('An event breaks the schema or names a generation or candidate this tenant does not have; `invalid_params` names it. Nothing is written.'),
  },
});

/** Answer of `POST /v1/erasures`. */
export const erasureAcceptedSchema = z
  .object({ object: z.literal('erasure'), erasure_id: z.string(), tenant: z.string(), app_user: z.string(), requested_at: z.string() })
  .openapi('Erasure');

/** `POST /v1/erasures`. */
export const postErasureRoute = createRoute({
  method: 'post',
  path: '/v1/erasures',
  operationId: 'createErasure',
  summary: "Erase an app user's data from every later dataset",
  description: "Writes a tombstone: every later harvest leaves out the user's feedback events and the generations whose `metadata.app_user` names them.",
  request: { body: { required: true, content: { 'application/json': { schema: erasureRequestSchema } } } },
  responses: {
    202: { description: 'Recorded.', content: { 'application/json': { schema: erasureAcceptedSchema } } },
    422: problemResponse('The request breaks the schema.'),
  },
});
