import { createRoute, z } from '@hono/zod-openapi';
import { EXAMPLE_GENERATION_ID, problemExample, RECORD_EXAMPLES, succeededRecordExample } from '../schemas/generation-examples.js';
import { CANDIDATE_ID_PATTERN, generationRecordSchema } from '../schemas/generation-record.js';
import { generationRequestSchema } from '../schemas/generation-request.js';
import { generationEventSchema } from '../schemas/generation-stream.js';
import { idempotencyKeyHeader } from './feedback-routes.js';
import { apiKeySecurity, headers, locationHeader, PROBLEM_EXAMPLES, problemResponse, v1Responses } from './route-parts.js';

const TAGS = ['Generations'];

const idParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path', description: 'The generation (a UUIDv7; any other id is 404).' }, example: EXAMPLE_GENERATION_ID }),
});

const recordContent = (example: keyof typeof RECORD_EXAMPLES = 'GenerationSucceeded') => ({
  'application/json': { schema: generationRecordSchema, examples: { [RECORD_EXAMPLES[example].value.status]: { $ref: `#/components/examples/${example}` } } },
});

/** The event stream of a generation (the `text/event-stream` content of both streaming answers). */
const eventStreamContent = {
  'text/event-stream': {
    schema: generationEventSchema,
    examples: {
      accepted: { summary: 'The first event', value: { event: 'accepted', id: '1', data: { id: EXAMPLE_GENERATION_ID, status: 'running', location: `/v1/generations/${EXAMPLE_GENERATION_ID}` } } },
      best: { summary: 'A new best candidate', value: { event: 'best', id: '3', data: succeededRecordExample.best } },
    },
  },
};

const recordLocation = (required: boolean) => locationHeader('The generation record (`GET` it again; `/events` streams it).', required);
const keptRecordLocation = locationHeader('The kept record of the generation this problem is about (as `generation_id`).', false);

/** `POST /v1/generations`. */
export const createGenerationRoute = createRoute({
  method: 'post',
  path: '/v1/generations',
  operationId: 'createGeneration',
  tags: TAGS,
  security: apiKeySecurity,
  summary: 'Generate an aligned image',
  description: [
    'Optimizes the prompt, searches initial noises under the image budget, scores every candidate with the reward models, and answers the generation record with the best image and the top `n`.',
    '',
    'Three ways to wait, chosen by the request headers:',
    '- by default the answer is the finished record (`200`, `application/json`);',
    '- `Accept` that prefers `text/event-stream` (by its q-values; `application/json` wins ties it is listed first in, and is the default) streams the generation as server-sent events (`200`, `text/event-stream`), ending with `done` and the record; a client that disconnects stops the generation, keeping what finished;',
    '- `Prefer: respond-async` answers `202` at once with the queued record; poll `Location` or stream its `/events`.',
    '',
    'The request is recorded (`queued`) before any model is called, and every answer about it carries its `Location`. Checks beyond the schema (422 `validation_failed`): `n` ≤ `search.budget`, `search.search_steps` ≤ `steps`, every `rewards[].model` is a scorer this deployment serves and one weight is above 0, and a prompt optimization method asked `on` is served.',
  ].join('\n'),
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: generationRequestSchema,
          examples: {
            minimal: { summary: 'Only the prompt', value: { prompt: 'a photo of a red train and a purple bear' } },
            search: {
              summary: 'Zero-order noise search with two rewards, a deadline and a user label',
              value: {
                prompt: 'a photo of a red train and a purple bear',
                negative_prompt: 'blurry',
                n: 1,
                width: 512,
                height: 512,
                steps: 20,
                guidance: 5,
                seed: 42,
                search: { method: 'zero_order', budget: 16, search_steps: 8, neighbors: 4, threshold: 0.9 },
                rewards: [
                  { model: 'geneval', weight: 1 },
                  { model: 'aesthetic', weight: 0.5 },
                ],
                aggregate: 'rank',
                deadline_ms: 20000,
                metadata: { app_user: 'u-123' },
              },
            },
            optimized: { summary: 'OPT2I prompt revision, then best-of-n', value: { prompt: 'a purple wine glass and a black apple', prompt_optimization: { method: 'opt2i', rounds: 2, candidates: 3 }, search: { budget: 24 } } },
          },
        },
      },
    },
    headers: idempotencyKeyHeader.extend({
      Accept: z.string().optional().openapi({
        param: { name: 'Accept', in: 'header' },
        description: '`text/event-stream` (preferred by q-value over `application/json`) streams the generation as server-sent events; anything else, or no header, answers JSON.',
        example: 'text/event-stream',
      }),
      Prefer: z.string().optional().openapi({
        param: { name: 'Prefer', in: 'header' },
        description: '`respond-async` (RFC 7240) answers 202 at once with a `Location` to poll.',
        example: 'respond-async',
      }),
    }),
  },
  responses: {
    200: {
      description: 'The finished generation (`application/json`), or its event stream (`text/event-stream`, when `Accept` prefers it).',
      headers: headers(['X-Request-Id', 'Idempotent-Replayed'], recordLocation(true)),
      content: { ...recordContent(), ...eventStreamContent },
    },
    202: {
      description: 'Accepted (`Prefer: respond-async`): the queued record; poll `Location` until `status` is `succeeded`, `failed` or `cancelled`, or stream `Location` + `/events`.',
      headers: headers(['X-Request-Id', 'Idempotent-Replayed'], {
        ...recordLocation(true),
        'Preference-Applied': { description: 'The preference honoured.', required: true, schema: { type: 'string', const: 'respond-async' } },
      }),
      content: recordContent('GenerationQueued'),
    },
    303: {
      description: 'A retry (same `Idempotency-Key` and body) of a request that was answered with a stream: the stream cannot be replayed, so `Location` is the generation\'s event stream.',
      headers: headers(['X-Request-Id', 'Idempotent-Replayed'], { Location: { description: 'The generation\'s `/events`.', required: true, schema: { type: 'string', format: 'uri-reference' } } }),
    },
    400: problemResponse('`malformed_request`: the body is not JSON, not sent as `application/json`, or the `Idempotency-Key` is malformed.', { malformed: PROBLEM_EXAMPLES.malformed }),
    409: problemResponse('`idempotency_in_progress`: a request with this `Idempotency-Key` is still running (after waiting 60 s for it); retry after `Retry-After`. `generation_cancelled`: the generation was cancelled before it produced an image (its record is kept: `generation_id`).', {}, { ...headers(['Retry-After']), ...keptRecordLocation }),
    413: problemResponse('`payload_too_large`: the body is larger than the deployment accepts (256 KiB by default).', { tooLarge: PROBLEM_EXAMPLES.tooLarge }),
    422: problemResponse(
      '`validation_failed`: the request breaks the schema or a check above; `invalid_params` names every offending field, and nothing is written. `budget_over_limit`: `search.budget` is over the tenant\'s limit. `idempotency_key_reused`: the key was used with another body.',
      {
        validation: problemExample(422, 'validation_failed', 'Validation failed', 'search.budget: Too big: expected number to be <=256', { invalid_params: [{ name: 'search.budget', reason: 'Too big: expected number to be <=256' }] }),
      },
    ),
    502: problemResponse(
      '`upstream_failed`: every candidate failed at the inference backend. The failed record is kept: `generation_id` and `Location` name it.',
      {
        upstream: problemExample(502, 'upstream_failed', 'Inference backend failed', `generation ${EXAMPLE_GENERATION_ID} failed: every candidate failed; first error: backend_call_failed: endpoint exploded (the record is kept at /v1/generations/${EXAMPLE_GENERATION_ID})`, { generation_id: EXAMPLE_GENERATION_ID }),
      },
      keptRecordLocation,
    ),
    503: problemResponse(
      '`overloaded` (the queue is full) or `shutting_down`: nothing was written; retry after `Retry-After`. `interrupted`: the process running the generation stopped before it finished; the record is kept (`generation_id`, `Location`); submit it again.',
      { overloaded: problemExample(503, 'overloaded', 'Service unavailable', 'the server is at capacity (4 running, 64 queued); retry after Retry-After seconds') },
      { ...headers(['Retry-After']), ...keptRecordLocation },
    ),
    504: problemResponse(
      '`deadline_exceeded`: `deadline_ms` left no time for a single image. The failed record is kept: `generation_id` and `Location` name it.',
      {
        deadline: problemExample(504, 'deadline_exceeded', 'Deadline exceeded', `generation ${EXAMPLE_GENERATION_ID} failed: the deadline of 1 ms passed before any image was generated and scored (the record is kept at /v1/generations/${EXAMPLE_GENERATION_ID})`, { generation_id: EXAMPLE_GENERATION_ID }),
      },
      keptRecordLocation,
    ),
    ...v1Responses,
  },
});

/** `GET /v1/generations/{id}`. */
export const getGenerationRoute = createRoute({
  method: 'get',
  path: '/v1/generations/{id}',
  operationId: 'getGeneration',
  tags: TAGS,
  security: apiKeySecurity,
  summary: 'Get a generation record',
  description: 'The record, also while it runs (every candidate so far, `pending` ones included) and after a restart. A generation whose process died is answered (and recorded) as `failed` / `interrupted`.',
  request: { params: idParams },
  responses: {
    200: { description: 'The record.', headers: headers(['X-Request-Id']), content: recordContent() },
    404: problemResponse('`not_found`: no such generation for this tenant.', { notFound: PROBLEM_EXAMPLES.notFound }),
    ...v1Responses,
  },
});

/** `GET /v1/generations/{id}/events`. */
export const getGenerationEventsRoute = createRoute({
  method: 'get',
  path: '/v1/generations/{id}/events',
  operationId: 'streamGenerationEvents',
  tags: TAGS,
  security: apiKeySecurity,
  summary: "Stream a generation's events",
  description:
    'The events of any generation as server-sent events, running or ended, from whichever process runs it: `accepted`, `prompt`, `candidate`, `best`, `error`, `done` (the record), each with an `id:`. Send `Last-Event-ID` (or `?after=`) to resume after the last event you received; nothing is lost or repeated. Candidate rewards in events are provisional.',
  request: {
    params: idParams,
    query: z.object({
      after: z.string().regex(/^\d+$/).optional().openapi({ param: { name: 'after', in: 'query', description: 'Resume after this event id (for clients that cannot set `Last-Event-ID`).' }, example: '3' }),
    }),
    headers: z.object({
      'Last-Event-ID': z.string().regex(/^\d+$/).optional().openapi({ param: { name: 'Last-Event-ID', in: 'header', description: 'Id of the last event received: the stream resumes after it.' }, example: '3' }),
    }),
  },
  responses: {
    200: { description: 'The event stream; it ends after `done`.', headers: headers(['X-Request-Id']), content: eventStreamContent },
    404: problemResponse('`not_found`: no such generation for this tenant.', { notFound: PROBLEM_EXAMPLES.notFound }),
    ...v1Responses,
  },
});

/** `DELETE /v1/generations/{id}`. */
export const deleteGenerationRoute = createRoute({
  method: 'delete',
  path: '/v1/generations/{id}',
  operationId: 'deleteGeneration',
  tags: TAGS,
  security: apiKeySecurity,
  summary: 'Delete a generation',
  description: 'Removes the record and every image of the generation (a running one is cancelled first, so no image is written after the delete).',
  request: { params: idParams },
  responses: {
    204: { description: 'Deleted.', headers: headers(['X-Request-Id']) },
    404: problemResponse('`not_found`: no such generation for this tenant (also for a second delete).', { notFound: PROBLEM_EXAMPLES.notFound }),
    ...v1Responses,
  },
});

/** `POST /v1/generations/{id}/cancel`. */
export const cancelGenerationRoute = createRoute({
  method: 'post',
  path: '/v1/generations/{id}/cancel',
  operationId: 'cancelGeneration',
  tags: TAGS,
  security: apiKeySecurity,
  summary: 'Cancel a generation',
  description: 'Stops starting new work; calls already in flight finish and are kept. The record ends `cancelled` with every finished candidate and the best of them.',
  request: { params: idParams },
  responses: {
    200: { description: 'The cancelled record (the generation ran in this process, and stopped within 30 s).', headers: headers(['X-Request-Id']), content: recordContent('GenerationCancelled') },
    202: { description: 'Cancellation asked of the process that runs it (or still under way after 30 s); poll the record at `Location`.', headers: headers(['X-Request-Id'], recordLocation(true)), content: recordContent('GenerationRunning') },
    404: problemResponse('`not_found`: no such generation for this tenant.', { notFound: PROBLEM_EXAMPLES.notFound }),
    409: problemResponse('`generation_finished`: the generation already ended; nothing to cancel.', {
      finished: problemExample(409, 'generation_finished', 'Conflict', `generation ${EXAMPLE_GENERATION_ID} already ended (succeeded); nothing to cancel`, { instance: `/v1/generations/${EXAMPLE_GENERATION_ID}/cancel` }),
    }),
    ...v1Responses,
  },
});

/** `GET /v1/generations/{id}/candidates/{candidateId}`. */
export const getCandidateImageRoute = createRoute({
  method: 'get',
  path: '/v1/generations/{id}/candidates/{candidateId}',
  operationId: 'getCandidateImage',
  tags: TAGS,
  security: apiKeySecurity,
  summary: 'Get a candidate image',
  description: 'The image bytes: immutable, with a strong `ETag` (`If-None-Match` answers 304). On S3 with presigned links configured, a 302 to a presigned GET instead, so the bytes never pass through the API.',
  request: {
    params: idParams.extend({
      candidateId: z.string().regex(CANDIDATE_ID_PATTERN).openapi({ param: { name: 'candidateId', in: 'path', description: 'The candidate (`c000`, `c001`, …).' }, example: 'c000' }),
    }),
    headers: z.object({ 'If-None-Match': z.string().optional().openapi({ param: { name: 'If-None-Match', in: 'header', description: 'The `ETag` you hold: 304 when it still matches.' } }) }),
  },
  responses: {
    200: {
      description: 'The image.',
      headers: headers(['X-Request-Id'], {
        ETag: { description: 'Strong validator of the bytes.', required: true, schema: { type: 'string' } },
        'Cache-Control': { description: '`public, max-age=31536000, immutable`: the bytes never change.', required: true, schema: { type: 'string' } },
      }),
      content: { 'image/png': { schema: z.string().openapi({ format: 'binary', description: 'PNG bytes.' }) } },
    },
    302: {
      description: 'A presigned GET of the image on the bucket (S3 with `DIFFALIGN_S3_PRESIGN_SECONDS`); the link expires.',
      headers: headers(['X-Request-Id'], { Location: { description: 'The presigned URL.', required: true, schema: { type: 'string', format: 'uri' } } }),
    },
    304: {
      description: 'Not modified (`If-None-Match` matched).',
      headers: headers(['X-Request-Id'], { ETag: { description: 'Strong validator of the bytes.', required: true, schema: { type: 'string' } } }),
    },
    404: problemResponse('`not_found`: no such generation or candidate image (a failed candidate has none).', { notFound: PROBLEM_EXAMPLES.notFound }),
    ...v1Responses,
  },
});
