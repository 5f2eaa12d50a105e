import { OpenAPIHono } from '@hono/zod-openapi';
import { postErasureRoute, postFeedbackRoute } from './routes/feedback-routes.js';
import { listGenerationsRoute } from './routes/generation-listing-routes.js';
import { generationWebhook } from './routes/webhook-routes.js';
import { apiReferenceRoute, openApiYamlRoute } from './routes/docs-routes.js';
import { cancelGenerationRoute, createGenerationRoute, deleteGenerationRoute, getCandidateImageRoute, getGenerationEventsRoute, getGenerationRoute } from './routes/generation-routes.js';
import { API_KEY_SCHEME, HEADERS, PROBLEM_EXAMPLES } from './routes/route-parts.js';
import { healthRoute, listModelsRoute, openApiRoute, readinessRoute } from './routes/service-routes.js';
import { problemExample, RECORD_EXAMPLES } from './schemas/generation-examples.js';
import { normalizeOpenApiSchemas } from './openapi-normalize.js';

/** The API's version, as `info.version` of the OpenAPI document. */
export const API_VERSION = '0.1.0';

/** Where `npm start` serves the API with nothing configured (the `servers` entry when no public URL is set). */
export const LOCAL_SERVER_URL = 'http://127.0.0.1:8787';

/** What the document says about the deployment serving it. */
export interface OpenApiDocumentOptions {
  /** The deployment's public base URL (`DIFFALIGN_PUBLIC_URL`): the one `servers` entry; default: the local server. */
  readonly publicUrl?: string | undefined;
}

/** Every operation, in the order the document lists them. */
const ROUTES = [
  createGenerationRoute,
  listGenerationsRoute,
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
  openApiYamlRoute,
  apiReferenceRoute,
];

const problemContent = (examples: Record<string, unknown>) => ({
  'application/problem+json': {
    schema: { $ref: '#/components/schemas/Problem' },
    examples: Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }])),
  },
});
const requestIdHeader = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };

/** The OpenAPI 3.1 document, built from the zod route schemas (the source of `openapi.yaml`). */
export function buildOpenApiDocument(options: OpenApiDocumentOptions = {}): Record<string, unknown> {
  const registry = new OpenAPIHono();
  const components = registry.openAPIRegistry;
  components.registerComponent('securitySchemes', API_KEY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (`Authorization: Bearer <key>`), created with `npx diffalign keys create --tenant NAME`; it names the tenant. A deployment with no key in its store runs open (every request is the default tenant).',
  });
  for (const [name, header] of Object.entries(HEADERS)) components.registerComponent('headers', name, header);
  for (const [name, example] of Object.entries(RECORD_EXAMPLES)) components.registerComponent('examples', name, example);
  components.registerComponent('responses', 'InternalError', {
    description: '`internal_error`: the server failed unexpectedly (the detail never leaks internals). `corrupt_record`: a stored record cannot be read (`generation_id` names it).',
    headers: requestIdHeader,
    content: problemContent({ internal: PROBLEM_EXAMPLES.internal }),
  });
  components.registerComponent('responses', 'Problem', {
    description: 'Any other problem (for instance 408 `request_timeout` or 431 `request_header_fields_too_large`, which the Node server answers before routing).',
    content: problemContent({ headersTooLarge: problemExample(431, 'request_header_fields_too_large', 'Request header fields too large', 'the request headers are larger than the server accepts; send fewer or shorter headers') }),
  });
  components.registerComponent('responses', 'Unauthenticated', {
    description: 'Auth is on (an API key exists) and the request has no key (`unauthenticated`), a wrong one (`invalid_api_key`) or a revoked one (`revoked_api_key`).',
    headers: { ...requestIdHeader, 'WWW-Authenticate': { description: '`Bearer realm="diffalign"` (RFC 6750), with `error="invalid_token"` for a wrong or revoked key.', required: true, schema: { type: 'string' } } },
    content: problemContent({ unauthenticated: problemExample(401, 'unauthenticated', 'Unauthenticated', 'this API needs an API key: send Authorization: Bearer <key> (create one with `npx diffalign keys create --tenant NAME`)') }),
  });
  components.registerComponent('responses', 'TooManyRequests', {
    description: '`rate_limited`: the tenant is over its requests per minute; `too_many_generations`: over its generations in flight. `limit` says which limit, `Retry-After` when to retry.',
    headers: { ...requestIdHeader, 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
    content: problemContent({ rateLimited: problemExample(429, 'rate_limited', 'Too many requests', 'tenant acme is over 60 requests per minute; retry after Retry-After seconds', { limit: 60, retry_after_seconds: 12 }) }),
  });
  for (const route of ROUTES) components.registerPath(route);
  components.registerWebhook(generationWebhook);
  const document = registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'diffalign',
      version: API_VERSION,
      description: [
        'Prompt optimization (Promptist-style rewriting, OPT2I-style LLM revision), search over initial noises (best-of-n, zero-order) and reward models (alone or as a rank, z-score or weighted ensemble) behind one HTTP API, with every generation and the feedback apps send back kept for training data.',
        '',
        'Errors are RFC 9457 `application/problem+json` with a stable `code` (the `ProblemCode` enum). Every response carries `X-Request-Id`. POSTs that create something take an `Idempotency-Key`.',
      ].join('\n'),
    },
    servers: options.publicUrl ? [{ url: options.publicUrl, description: 'this deployment (DIFFALIGN_PUBLIC_URL)' }] : [{ url: LOCAL_SERVER_URL, description: 'local (npm start)' }],
    tags: [
      { name: 'Generations', description: 'Generate, follow, cancel and delete aligned images.' },
      { name: 'Feedback', description: 'What users did with the images, and erasure of a user\'s data.' },
      { name: 'Models', description: 'What this deployment serves.' },
      { name: 'Service', description: 'Health, readiness and this description.' },
    ],
  }) as unknown as Record<string, unknown>;
  return normalizeOpenApiSchemas(document);
}
