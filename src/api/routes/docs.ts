import type { Hono } from 'hono';
import { stringify } from 'yaml';
import { API_REFERENCE_INIT, apiReferenceCsp, apiReferenceHtml, SWAGGER_UI_ASSETS, type SwaggerUiAsset, swaggerUiBase } from '../docs/api-reference-page.js';
import { NotFoundError } from '../http-errors.js';

/** What the docs routes serve from. */
export interface DocsOptions {
  /** The app's OpenAPI document (with its `servers`), read on the first request for `/openapi.yaml`. */
  readonly document: () => Record<string, unknown>;
  /** Reads a Swagger UI file from the installed package (Node); absent, the page loads them from a CDN. */
  readonly readAsset?: (name: SwaggerUiAsset) => Promise<Uint8Array | null>;
}

const ASSET_TYPES: Record<SwaggerUiAsset, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

/**
 * Mounts `/docs` (a human-readable reference: Swagger UI over `/openapi.json`, with its own CSP),
 * `/docs/init.js`, `/docs/assets/*` (Swagger UI's files, when the runtime can read the package), and
 * `/openapi.yaml` (the document as YAML, `application/yaml`). All open, like `/openapi.json`.
 */
export function mountDocs(app: Hono, options: DocsOptions): void {
  const base = swaggerUiBase(options.readAsset !== undefined);
  const csp = apiReferenceCsp(base);
  const html = apiReferenceHtml(base);
  let yaml: string | undefined;
  app.get('/docs', (c) => c.html(html, 200, { 'content-security-policy': csp, 'cache-control': 'no-cache' }));
  app.get('/docs/init.js', (c) => c.body(API_REFERENCE_INIT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/docs/assets/:name', async (c) => {
    const name = c.req.param('name') as SwaggerUiAsset;
    const bytes = options.readAsset && (SWAGGER_UI_ASSETS as readonly string[]).includes(name) ? await options.readAsset(name) : null;
    if (!bytes) throw new NotFoundError(`no docs asset ${name}`);
    return c.body(new Uint8Array(bytes), 200, { 'content-type': ASSET_TYPES[name], 'cache-control': 'public, max-age=86400' });
  });
  app.get('/openapi.yaml', (c) => c.body((yaml ??= stringify(options.document(), { lineWidth: 0 })), 200, { 'content-type': 'application/yaml; charset=utf-8' }));
}
