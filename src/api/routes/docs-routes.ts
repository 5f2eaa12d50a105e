import { createRoute, z } from '@hono/zod-openapi';
import { headers, openSecurity, standardResponses } from './route-parts.js';

/** `GET /docs`. */
export const apiReferenceRoute = createRoute({
  method: 'get',
  path: '/docs',
  operationId: 'getApiReference',
  tags: ['Service'],
  security: openSecurity,
  summary: 'This API\'s reference, for people (Swagger UI)',
  description: 'An HTML page rendering `/openapi.json` with Swagger UI, whose files the Node server serves from its own copy of the package (`/docs/assets/…`; other runtimes load them from jsDelivr). No API key needed.',
  responses: {
    200: {
      description: 'The page, with a Content-Security-Policy of its own.',
      headers: headers(['X-Request-Id'], { 'Content-Security-Policy': { description: 'Scripts and styles only from where Swagger UI is served; no inline script.', required: true, schema: { type: 'string' } } }),
      content: { 'text/html': { schema: z.string().openapi({ description: 'HTML.' }) } },
    },
    ...standardResponses,
  },
});

/** `GET /openapi.yaml`. */
export const openApiYamlRoute = createRoute({
  method: 'get',
  path: '/openapi.yaml',
  operationId: 'getOpenApiYaml',
  tags: ['Service'],
  security: openSecurity,
  summary: 'This API description as YAML (OpenAPI 3.1)',
  description: 'The document of `/openapi.json` as YAML (with this deployment\'s `servers`); the committed `openapi.yaml` is this with the default servers. No API key needed.',
  responses: {
    200: { description: 'The OpenAPI document.', headers: headers(['X-Request-Id']), content: { 'application/yaml': { schema: z.string().openapi({ description: 'YAML text.' }) } } },
    ...standardResponses,
  },
});
