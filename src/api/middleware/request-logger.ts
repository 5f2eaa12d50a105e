import type { MiddlewareHandler } from 'hono';
import type {} from '../auth/index.js';
import type { Logger } from '../logger.js';

/** Options of `requestLogger`. */
export interface RequestLoggerOptions {
  readonly logger: Logger;
  /** Clock in ms (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * Puts a request-scoped child logger (`request_id` bound) on `c.get('logger')`, and writes one `info` line
 * per request when its answer is ready: method, path, status, ms, the tenant and API key id (never the key)
 * once `authenticate` has set them, and for problem answers their `code`.
 * Streamed answers (SSE) are logged when their headers are ready, not when the stream ends.
 * Goes after `requestIds()`.
 */
export const requestLogger = (options: RequestLoggerOptions): MiddlewareHandler => {
  const now = options.now ?? (() => performance.now());
  return async function requestLogger(c, next) {
    const started = now();
    const logger = options.logger.child({ request_id: c.get('requestId') });
    c.set('logger', logger);
    await next();
    const code = c.get('problemCode');
    const tenant = c.get('tenant');
    const keyId = c.get('apiKeyId');
    logger.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((now() - started) * 10) / 10,
        ...(tenant ? { tenant } : {}),
        ...(keyId ? { key_id: keyId } : {}),
        ...(code ? { code } : {}),
      },
      'request',
    );
  };
};
