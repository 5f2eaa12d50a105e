import { OpenAPIHono } from '@hono/zod-openapi';
import { postErasureRoute, postFeedbackRoute } from './routes/feedback-routes.js';
import { cancelGenerationRoute, createGenerationRoute, deleteGenerationRoute, getCandidateImageRoute, getGenerationEventsRoute, getGenerationRoute } from './routes/generation-routes.js';
import { healthRoute, listModelsRoute, openApiRoute, readinessRoute } from './routes/service-routes.js';

/** The API's version, as `info.version` of the OpenAPI document. */
export const API_VERSION = '0.1.0';

/** The OpenAPI 3.1 document, built from the zod route schemas (the source of `openapi.yaml`). */
export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = new OpenAPIHono();
  for (const route of [
    createGenerationRoute,
    getGenerationRoute,
    deleteGenerationRoute,
    getGenerationEventsRoute,
    cancelGenerationRoute,
    getCandidateImageRoute,
    postFeedbackRoute,
    postErasureRoute,
    listModelsRoute,
    healthRoute,
    readinessRoute,
    openApiRoute,
  ]) {
    registry.openAPIRegistry.registerPath(route);
  }
  return registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'diffalign',
      version: API_VERSION,
      description:
        'Inference-time alignment for text-to-image diffusion models: prompt optimization, noise search and reward models behind one HTTP API. Errors are RFC 9457 problem+json with a stable `code`.',
    },
    servers: [{ url: 'http://127.0.0.1:8787', description: 'local (npm start)' }],
  }) as unknown as Record<string, unknown>;
}
