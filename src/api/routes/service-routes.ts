import { createRoute, z } from '@hono/zod-openapi';
import { modelsExample } from '../schemas/generation-examples.js';
import { modelsSchema } from '../schemas/models.js';
import { problemExample } from '../schemas/generation-examples.js';
import { apiKeySecurity, headers, openSecurity, problemResponse, standardResponses, v1Responses } from './route-parts.js';

export { modelsSchema };

/** `GET /v1/models`. */
export const listModelsRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  operationId: 'listModels',
  tags: ['Models'],
  security: apiKeySecurity,
  summary: 'List the generators, scorers and prompt optimizers this deployment serves',
  description: 'What a request can name: scorer ids for `rewards[].model`, the prompt optimization methods that are served, and the rewards a request without `rewards` gets.',
  responses: {
    200: { description: 'What can be named in a request.', headers: headers(['X-Request-Id']), content: { 'application/json': { schema: modelsSchema, examples: { reference: { summary: 'npm start (the reference world)', value: modelsExample } } } } },
    ...v1Responses,
  },
});

/** `GET /healthz`. */
export const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  tags: ['Service'],
  security: openSecurity,
  summary: 'Liveness',
  description: 'Cheap: answers while generations run. No API key needed.',
  responses: {
    200: { description: 'The service is up.', headers: headers(['X-Request-Id']), content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).openapi('Health'), examples: { up: { value: { status: 'ok' } } } } } },
    ...standardResponses,
  },
});

/** `GET /readyz`. */
export const readinessRoute = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  tags: ['Service'],
  security: openSecurity,
  summary: 'Readiness',
  description: 'Checks that storage is reachable and writable; 503 while it is not, and while the instance shuts down. No API key needed.',
  responses: {
    200: { description: 'Ready to serve.', headers: headers(['X-Request-Id']), content: { 'application/json': { schema: z.object({ status: z.literal('ready') }).openapi('Ready'), examples: { ready: { value: { status: 'ready' } } } } } },
    503: problemResponse(
      '`not_ready` (with the reason) or `shutting_down`; retry after `Retry-After`.',
      { notReady: problemExample(503, 'not_ready', 'Service unavailable', 'not ready: EACCES: permission denied', { instance: '/readyz' }) },
      headers(['Retry-After']),
    ),
    ...standardResponses,
  },
});

/** `GET /openapi.json`. */
export const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  tags: ['Service'],
  security: openSecurity,
  summary: 'This API description (OpenAPI 3.1)',
  description: 'The document `openapi.yaml` is generated from, with this deployment\'s `servers`. No API key needed.',
  responses: {
    200: {
      description: 'The OpenAPI document.',
      headers: headers(['X-Request-Id']),
      content: { 'application/json': { schema: z.object({ openapi: z.string().openapi({ example: '3.1.0' }) }).catchall(z.unknown()).openapi({ description: 'An OpenAPI 3.1 document.' }) } },
    },
    ...standardResponses,
  },
});
