import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { problemSchema, type ProblemBody } from '../schemas/problem.js';
import { EXAMPLE_GENERATION_ID, problemExample } from '../schemas/generation-examples.js';

/** Name of the security scheme of the /v1 operations (a bearer API key). */
export const API_KEY_SCHEME = 'ApiKey';
/** `security` of a /v1 operation. */
export const apiKeySecurity = [{ [API_KEY_SCHEME]: [] }];
/** `security` of an open operation (health, readiness, the description itself). */
export const openSecurity: Record<string, string[]>[] = [];

/** Header objects shared by the responses (components/headers). */
export const HEADERS = {
  'X-Request-Id': {
    description: 'The request\'s id: the client\'s `X-Request-Id` when it is 1-128 of `[A-Za-z0-9_=-]`, else a new UUID. Every log line of the request carries it.',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_=-]{1,128}$' },
  },
  'Retry-After': {
    description: 'Seconds after which a retry may succeed.',
    schema: { type: 'integer', minimum: 1 },
  },
  'Idempotent-Replayed': {
    description: '`true` when the answer is the kept answer of an earlier request with the same `Idempotency-Key` and body.',
    schema: { type: 'string', const: 'true' },
  },
} as const;

type HeaderName = keyof typeof HEADERS;

/** References to shared headers, plus a response's own header objects. */
export function headers(shared: readonly HeaderName[], own: NonNullable<ResponseConfig['headers']> = {}): NonNullable<ResponseConfig['headers']> {
  return { ...Object.fromEntries(shared.map((name) => [name, { $ref: `#/components/headers/${name}` }])), ...own };
}

/** The `Location` header of a response about a generation. */
export function locationHeader(description: string, required: boolean): Record<string, { description: string; required: boolean; schema: { type: 'string'; format: string } }> {
  return { Location: { description, required, schema: { type: 'string', format: 'uri-reference' } } };
}

/** A problem+json response, with named examples (`{ code: [status, title, detail, extra?] }`). */
export function problemResponse(description: string, examples: Record<string, ProblemBody> = {}, ownHeaders: NonNullable<ResponseConfig['headers']> = {}): ResponseConfig {
  const named = Object.entries(examples).map(([name, value]) => [name, { value }] as const);
  return {
    description,
    headers: headers(['X-Request-Id'], ownHeaders),
    content: { 'application/problem+json': { schema: problemSchema, ...(named.length > 0 ? { examples: Object.fromEntries(named) } : {}) } },
  };
}

/** Responses every operation has: 500 and the `default` problem (components/responses). */
export const standardResponses = {
  500: { $ref: '#/components/responses/InternalError' },
  default: { $ref: '#/components/responses/Problem' },
} as const;

/** Responses every /v1 operation has besides the standard ones: 401 (auth on) and 429 (rate limits). */
export const v1Responses = {
  401: { $ref: '#/components/responses/Unauthenticated' },
  429: { $ref: '#/components/responses/TooManyRequests' },
  ...standardResponses,
} as const;

/** Problem examples that several operations share. */
export const PROBLEM_EXAMPLES = {
  notFound: problemExample(404, 'not_found', 'Not found', `no generation ${EXAMPLE_GENERATION_ID}`, { instance: `/v1/generations/${EXAMPLE_GENERATION_ID}` }),
  malformed: problemExample(400, 'malformed_request', 'Malformed request', 'request body is not valid JSON: Unexpected end of JSON input'),
  tooLarge: problemExample(413, 'payload_too_large', 'Payload too large', 'request body exceeds 262144 bytes; send a smaller body'),
  internal: problemExample(500, 'internal_error', 'Internal server error', 'the server failed to process the request; try again later'),
} as const;
