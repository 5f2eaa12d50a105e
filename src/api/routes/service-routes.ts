import { createRoute, z } from '@hono/zod-openapi';
import { problemSchema } from '../schemas/generation-record.js';

/** Body of `GET /v1/models`. */
export const modelsSchema = z
  .object({
    generators: z.array(z.object({ id: z.string(), provider: z.string(), max_batch_size: z.number().int() })),
    scorers: z.array(
      z.object({
        id: z.string(),
        provider: z.string(),
        model_id: z.string(),
        range: z.object({ min: z.number(), max: z.number() }).optional(),
        default_weight: z.number().optional(),
      }),
    ),
    prompt_optimizers: z.array(z.object({ method: z.enum(['promptist', 'opt2i']), provider: z.string(), model_id: z.string() })),
    default_rewards: z.array(z.object({ model: z.string(), weight: z.number() })),
  })
  .openapi('Models');

/** `GET /v1/models`. */
export const listModelsRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  operationId: 'listModels',
  summary: 'List the generators, scorers and prompt optimizers this deployment serves',
  responses: { 200: { description: 'What can be named in a request.', content: { 'application/json': { schema: modelsSchema } } } },
});

/** `GET /healthz`. */
export const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  summary: 'Liveness',
  responses: {
    200: { description: 'The service is up.', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).openapi('Health') } } },
  },
});

/** `GET /readyz`. */
export const readinessRoute = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  summary: 'Readiness',
  description: 'Checks that storage is reachable and writable; 503 while shutting down.',
  responses: {
    200: { description: 'Ready to serve.', content: { 'application/json': { schema: z.object({ status: z.literal('ready') }).openapi('Ready') } } },
    503: { description: '`not_ready` (with the reason) or `shutting_down`.', content: { 'application/problem+json': { schema: problemSchema } } },
  },
});

/** `GET /openapi.json`. */
export const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This API description (OpenAPI 3.1)',
  responses: { 200: { description: 'The OpenAPI document.', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
});
