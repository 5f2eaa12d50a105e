import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** Request headers a browser app may send cross-origin. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'Prefer', 'X-Request-Id', 'If-None-Match'] as const;
/** Response headers a browser app may read cross-origin. */
export const CORS_EXPOSED_HEADERS = ['Location', 'Retry-After', 'ETag', 'X-Request-Id', 'Preference-Applied', 'Idempotent-Replayed', 'WWW-Authenticate', 'Allow'] as const;
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for browser apps (Hono's `cors`): `origins` is `*` or the list of allowed origins
 * (`https://app.example.com`); preflights (`OPTIONS`) are answered 204 before auth runs. No credentials
 * mode: API keys travel in `Authorization`, never in cookies, so `*` is safe to allow.
 */
export const corsPolicy = (origins: '*' | readonly string[]): MiddlewareHandler =>
  cors({
    origin: origins === '*' ? '*' : [...origins],
    allowMethods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: [...CORS_ALLOWED_HEADERS],
    exposeHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
