import { createRoute, z } from '@hono/zod-openapi';
import { generationRecordSchema, problemSchema } from '../schemas/generation-record.js';
import { generationRequestSchema } from '../schemas/generation-request.js';
import { idempotencyKeyHeader } from './feedback-routes.js';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

const idParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '01933b6e-8f1a-7c3e-9d4b-2f6a8e1c5b7d' }),
});

/** `POST /v1/generations`. */
export const createGenerationRoute = createRoute({
  method: 'post',
  path: '/v1/generations',
  operationId: 'createGeneration',
  summary: 'Generate an aligned image',
  description:
    'Optimizes the prompt, searches initial noises under the budget, scores every candidate with the reward models and answers the generation record with the best image.',
  request: {
    body: { required: true, content: { 'application/json': { schema: generationRequestSchema } } },
    headers: idempotencyKeyHeader.extend({
      Accept: z.string().optional().openapi({
        param: { name: 'Accept', in: 'header' },
        description: '`text/event-stream` streams progress as server-sent events instead of waiting for the record.',
      }),
      Prefer: z.string().optional().openapi({
        param: { name: 'Prefer', in: 'header' },
        description: '`respond-async` answers 202 at once with a `Location` to poll.',
      }),
    }),
  },
  responses: {
    200: {
      description:
        'The finished generation. With `Accept: text/event-stream`: a stream of events `accepted` ({id, status, location}), `prompt` ({prompt, source, round}), `candidate` (a Candidate), `best` (a Candidate), `error` (a Problem) and finally `done` (the Generation), each `data` a JSON document.',
      headers: z.object({ Location: z.string().openapi({ description: 'Where the record can be fetched again.' }) }),
      content: {
        'application/json': { schema: generationRecordSchema },
        'text/event-stream': { schema: z.string().openapi({ description: 'Server-sent events (see the description).' }) },
      },
    },
    202: {
      description: 'Accepted (`Prefer: respond-async`): the queued record; poll `Location` until `status` is `succeeded` or `failed`.',
      headers: z.object({
        Location: z.string().openapi({ description: 'The record to poll.' }),
        'Preference-Applied': z.string().openapi({ example: 'respond-async' }),
      }),
      content: { 'application/json': { schema: generationRecordSchema } },
    },
    400: problemResponse('The body is not JSON.'),
    413: problemResponse('The body is too large.'),
    422: problemResponse('The request breaks the schema or a limit; `invalid_params` says which field.'),
    409: problemResponse('`idempotency_in_progress`: a request with this Idempotency-Key is still running.'),
    502: problemResponse('Every candidate failed at the inference backend (the failed record is kept; `detail` names it).'),
    503: problemResponse('`overloaded`: the queue is full, or `shutting_down`; retry after `Retry-After` seconds. `interrupted`: the process stopped before the generation finished (the record is kept). Nothing is written for a refused request.'),
    504: problemResponse('`deadline_exceeded`: the deadline left no time for a single image (the failed record is kept; `detail` names it).'),
  },
});

/** `GET /v1/generations/{id}`. */
export const getGenerationRoute = createRoute({
  method: 'get',
  path: '/v1/generations/{id}',
  operationId: 'getGeneration',
  summary: 'Get a generation record',
  request: { params: idParams },
  responses: {
    200: { description: 'The record.', content: { 'application/json': { schema: generationRecordSchema } } },
    404: problemResponse('No such generation.'),
  },
});

/** `GET /v1/generations/{id}/events`. */
export const getGenerationEventsRoute = createRoute({
  method: 'get',
  path: '/v1/generations/{id}/events',
  operationId: 'streamGenerationEvents',
  summary: 'Stream a generation\'s events',
  description:
    'The events of any generation as server-sent events, running or ended, from whichever process runs it: `accepted`, `prompt`, `candidate`, `best`, `error`, `done` (the record), each with an `id:`. Send `Last-Event-ID` (or `?after=`) to resume after the last event you received; nothing is lost or repeated. Candidate rewards in events are provisional.',
  request: {
    params: idParams,
    headers: z.object({ 'Last-Event-ID': z.string().optional().openapi({ param: { name: 'Last-Event-ID', in: 'header' }, description: 'Id of the last event received.' }) }),
  },
  responses: {
    200: { description: 'The event stream.', content: { 'text/event-stream': { schema: z.string().openapi({ description: 'Server-sent events (see the description).' }) } } },
    404: problemResponse('No such generation.'),
  },
});

/** `DELETE /v1/generations/{id}`. */
export const deleteGenerationRoute = createRoute({
  method: 'delete',
  path: '/v1/generations/{id}',
  operationId: 'deleteGeneration',
  summary: 'Delete a generation',
  description: 'Removes the record and every image of the generation (a running one is cancelled first).',
  request: { params: idParams },
  responses: {
    204: { description: 'Deleted.' },
    404: problemResponse('No such generation.'),
  },
});

/** `POST /v1/generations/{id}/cancel`. */
export const cancelGenerationRoute = createRoute({
  method: 'post',
  path: '/v1/generations/{id}/cancel',
  operationId: 'cancelGeneration',
  summary: 'Cancel a generation',
  description: 'Stops starting new work; calls already in flight finish and are kept. The record ends `cancelled` with every finished candidate and the best of them.',
  request: { params: idParams },
  responses: {
    200: { description: 'The cancelled record (the generation ran in this process).', content: { 'application/json': { schema: generationRecordSchema } } },
    202: { description: 'Cancellation asked of the process that runs it; poll the record.', content: { 'application/json': { schema: generationRecordSchema } } },
    404: problemResponse('No such generation.'),
    409: problemResponse('`generation_finished`: the generation already ended.'),
  },
});

/** `GET /v1/generations/{id}/candidates/{candidateId}`. */
export const getCandidateImageRoute = createRoute({
  method: 'get',
  path: '/v1/generations/{id}/candidates/{candidateId}',
  operationId: 'getCandidateImage',
  summary: 'Get a candidate image',
  description: 'The image bytes; immutable, with a strong ETag.',
  request: {
    params: idParams.extend({
      candidateId: z.string().openapi({ param: { name: 'candidateId', in: 'path' }, example: 'c000' }),
    }),
  },
  responses: {
    200: { description: 'The image.', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
    304: { description: 'Not modified (If-None-Match matched).' },
    404: problemResponse('No such generation or candidate image.'),
  },
});
