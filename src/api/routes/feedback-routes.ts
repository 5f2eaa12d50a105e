import { createRoute, z } from '@hono/zod-openapi';
import { EXAMPLE_GENERATION_ID, problemExample } from '../schemas/generation-examples.js';
import { FEEDBACK_LIMITS, feedbackBatchSchema } from '../schemas/feedback.js';
import { erasureRequestSchema } from './erasures.js';
import { apiKeySecurity, headers, PROBLEM_EXAMPLES, problemResponse, v1Responses } from './route-parts.js';

/** The `Idempotency-Key` request header (IETF draft), on POSTs that create something. */
export const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/)
    .optional()
    .openapi({
      param: { name: 'Idempotency-Key', in: 'header' },
      description:
        '1-255 visible ASCII characters (400 otherwise). The same key and body within 24 h replays the first answer (`Idempotent-Replayed: true`); another body with the key is 422 `idempotency_key_reused`; a duplicate that arrives while the first runs waits for it (then 409 `idempotency_in_progress` with `Retry-After` after 60 s). A first request that failed releases its key.',
      example: 'order-7f3a-retry-safe',
    }),
});

/** Answer of `POST /v1/feedback`. */
export const feedbackAcceptedSchema = z
  .object({
    object: z.literal('feedback_batch'),
    batch_id: z.uuid(),
    accepted: z.number().int().min(1).max(FEEDBACK_LIMITS.events).openapi({ description: 'How many events were stored.' }),
    event_ids: z.array(z.uuid()).openapi({ description: 'Server ids of the events (UUIDv7), in request order.' }),
    received_at: z.iso.datetime(),
  })
  .openapi('FeedbackAccepted');

const TAGS = ['Feedback'];

/** `POST /v1/feedback`. */
export const postFeedbackRoute = createRoute({
  method: 'post',
  path: '/v1/feedback',
  operationId: 'createFeedback',
  tags: TAGS,
  security: apiKeySecurity,
  summary: 'Report feedback on generated images',
  description:
    'A batch of implicit and explicit feedback events (impressions, selections, downloads, shares, upscales, regenerations, dismissals, ratings, pairwise comparisons). Answered 202 only after the batch is durably stored; only events with `consent: true` are ever harvested into training data.',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: feedbackBatchSchema,
          examples: {
            batch: {
              summary: 'An impression, a download and a pairwise comparison',
              value: {
                events: [
                  { type: 'impression', generation_id: EXAMPLE_GENERATION_ID, candidate_id: 'c000', app_user: 'u-123', consent: true },
                  { type: 'download', generation_id: EXAMPLE_GENERATION_ID, candidate_id: 'c000', app_user: 'u-123', consent: true, client_event_id: 'e-7', occurred_at: '2026-12-01T22:27:03Z' },
                  { type: 'compare', generation_id: EXAMPLE_GENERATION_ID, candidate_ids: ['c000', 'c001'], choice: 'c000', app_user: 'u-123', consent: true },
                ],
              },
            },
          },
        },
      },
    },
    headers: idempotencyKeyHeader,
  },
  responses: {
    202: {
      description: 'Stored.',
      headers: headers(['X-Request-Id', 'Idempotent-Replayed']),
      content: {
        'application/json': {
          schema: feedbackAcceptedSchema,
          examples: {
            stored: {
              value: {
                object: 'feedback_batch',
                batch_id: '01a233b8-0c41-7d2e-8a6b-3f5c1e9d2b70',
                accepted: 1,
                event_ids: ['01a233b8-0c41-7d2e-8a6b-40a7c6e1f3d2'],
                received_at: '2026-12-01T22:27:04.118Z',
              },
            },
          },
        },
      },
    },
    400: problemResponse('`malformed_request`: the body is not JSON, or the `Idempotency-Key` is malformed.', { malformed: { ...PROBLEM_EXAMPLES.malformed, instance: '/v1/feedback' } }),
    409: problemResponse('`idempotency_in_progress`: a request with this `Idempotency-Key` is still running; retry after `Retry-After`.', {}, headers(['Retry-After'])),
    413: problemResponse('`payload_too_large`: the body is larger than the deployment accepts.', { tooLarge: { ...PROBLEM_EXAMPLES.tooLarge, instance: '/v1/feedback' } }),
    422: problemResponse(
      '`validation_failed`: an event breaks the schema or its rules, or names a generation or candidate this tenant does not have; `invalid_params` names each. Nothing is written. `idempotency_key_reused`: the key was used with another body.',
      {
        unknownCandidate: problemExample(422, 'validation_failed', 'Validation failed', `events.0.candidate_id: generation ${EXAMPLE_GENERATION_ID} has no candidate c099`, {
          instance: '/v1/feedback',
          invalid_params: [{ name: 'events.0.candidate_id', reason: `generation ${EXAMPLE_GENERATION_ID} has no candidate c099` }],
        }),
      },
    ),
    ...v1Responses,
  },
});

/** Answer of `POST /v1/erasures`. */
export const erasureAcceptedSchema = z
  .object({ object: z.literal('erasure'), erasure_id: z.uuid(), tenant: z.string(), app_user: z.string(), requested_at: z.iso.datetime() })
  .openapi('Erasure');

/** `POST /v1/erasures`. */
export const postErasureRoute = createRoute({
  method: 'post',
  path: '/v1/erasures',
  operationId: 'createErasure',
  tags: TAGS,
  security: apiKeySecurity,
  summary: "Erase an app user's data from every later dataset",
  description: "Writes a tombstone: every later harvest leaves out the user's feedback events and the generations whose `metadata.app_user` names them.",
  request: { body: { required: true, content: { 'application/json': { schema: erasureRequestSchema, examples: { user: { value: { app_user: 'u-123' } } } } } } },
  responses: {
    202: {
      description: 'Recorded.',
      headers: headers(['X-Request-Id']),
      content: {
        'application/json': {
          schema: erasureAcceptedSchema,
          examples: { recorded: { value: { object: 'erasure', erasure_id: '01a233b9-5d02-7f1c-9e44-6b8a2c0d7e15', tenant: 'default', app_user: 'u-123', requested_at: '2026-12-01T22:28:10.512Z' } } },
        },
      },
    },
    400: problemResponse('`malformed_request`: the body is not JSON.', { malformed: { ...PROBLEM_EXAMPLES.malformed, instance: '/v1/erasures' } }),
    413: problemResponse('`payload_too_large`: the body is larger than 16 KiB.'),
    422: problemResponse('`validation_failed`: the request breaks the schema.'),
    ...v1Responses,
  },
});
