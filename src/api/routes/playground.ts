import type { Context, Hono } from 'hono';
import { PLAYGROUND_ASSETS, type PlaygroundAsset } from '../../playground/playground-assets.js';
import { ifNoneMatchMatches } from '../etag-match.js';
import { NotFoundError } from '../http-errors.js';

/**
 * The page's own Content-Security-Policy, in place of the API's `default-src 'none'`: its script, style and
 * API calls come from this origin only, images are this origin's or `blob:` URLs (candidates fetched with the
 * API key) and `data:` (the empty favicon); no inline script or style, no plugins, no framing, no forms posted
 * anywhere (the page's forms are handled by its script).
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Mounts the playground (`GET /` and `GET /playground/<file>`, HEAD too): static files from the generated
 * module src/playground/playground-assets.ts, with a strong ETag (`304` on `If-None-Match`), `no-cache` so a
 * new version shows at once, and PLAYGROUND_CSP (the security-headers middleware keeps a CSP a handler set).
 * The page is open (no key); everything it shows comes from the API, which asks for the key.
 */
export function mountPlayground(app: Hono): void {
  app.get('/', (c) => {
    // a bundle built without the page (the Lambda bundle: runtime-bundles.ts) has no assets
    const page = PLAYGROUND_ASSETS['/'];
    if (!page) throw new NotFoundError('this deployment has no playground page');
    return serveAsset(c, page);
  });
  app.get('/playground/:file', (c) => {
    const asset = PLAYGROUND_ASSETS[`/playground/${c.req.param('file')}`];
    if (!asset) throw new NotFoundError(`no playground file ${c.req.path}`);
    return serveAsset(c, asset);
  });
}

function serveAsset(c: Context, asset: PlaygroundAsset): Response {
  const headers = {
    'content-security-policy': PLAYGROUND_CSP,
    'cache-control': 'no-cache',
    etag: asset.etag,
  };
  if (ifNoneMatchMatches(c.req.header('if-none-match'), asset.etag)) return c.body(null, 304, headers);
  return c.body(asset.body, 200, { ...headers, 'content-type': asset.contentType });
}
