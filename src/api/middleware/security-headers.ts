import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Hono's `secureHeaders` on every answer, tuned for a JSON/image API used by browser apps on other
 * origins: `Cross-Origin-Resource-Policy: cross-origin` (the default `same-origin` would stop an app's
 * `<img>` from loading candidate images), a CSP that lets nothing load or frame an API answer
 * (`default-src 'none'; frame-ancestors 'none'`), and `X-Frame-Options: DENY`. Headers only: streamed
 * (SSE) and image bodies pass through untouched.
 */
export const securityHeaders = (): MiddlewareHandler =>
  secureHeaders({
    crossOriginResourcePolicy: 'cross-origin',
    xFrameOptions: 'DENY',
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    // a handler that sets one of these headers itself keeps it (the playground page's own CSP)
    overwrite: false,
  });
