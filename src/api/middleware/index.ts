import type { Logger } from '../logger.js';

export { corsPolicy, CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from './cors-policy.js';
export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { securityHeaders } from './security-headers.js';
export { idempotency, IDEMPOTENCY_KEY_HEADER, IdempotencyInProgressError, IdempotencyKeyReusedError, type IdempotencyOptions } from './idempotency.js';
export { requestIds, REQUEST_ID_HEADER } from './request-ids.js';
export { requestLogger, type RequestLoggerOptions } from './request-logger.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's logger: every line it writes carries `request_id` (set by `requestLogger`). */
    logger: Logger;
    /** The `code` of the problem+json the answer carries, for the request's log line (set by `problemResponse`). */
    problemCode: string;
  }
}
