/** The Swagger UI version whose assets the page loads (swagger-ui-dist; a test keeps it equal to the installed one). */
export const SWAGGER_UI_VERSION = '5.35.0';

/** Swagger UI files the docs page uses, as `/docs/assets/<name>` serves them. */
export const SWAGGER_UI_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'] as const;
/** A name of one of them. */
export type SwaggerUiAsset = (typeof SWAGGER_UI_ASSETS)[number];

/** Where the page takes Swagger UI from: this server (`/docs/assets/`), or a CDN when the runtime has no copy of the package. */
export function swaggerUiBase(servedLocally: boolean): string {
  return servedLocally ? '/docs/assets/' : `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${SWAGGER_UI_VERSION}/`;
}

/**
 * The page's Content-Security-Policy: the app's `default-src 'none'` opened only for what Swagger UI needs —
 * its script and styles from where they are served (no inline script: the start-up code is `/docs/init.js`),
 * inline style attributes (Swagger UI sets them), data: images (its icons), and `connect-src 'self'` for the
 * spec and "Try it out" against this server.
 */
export function apiReferenceCsp(base: string): string {
  const assets = base.startsWith('/') ? "'self'" : `'self' ${new URL(base).origin}`;
  return [
    "default-src 'none'",
    `script-src ${assets}`,
    `style-src ${assets} 'unsafe-inline'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The HTML of `/docs`. */
export function apiReferenceHtml(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>diffalign API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}swagger-ui.css">
</head>
<body>
<noscript>The reference needs JavaScript; the description itself is at <a href="/openapi.yaml">/openapi.yaml</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${base}swagger-ui-bundle.js"></script>
<script src="${base}swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;
}

/** `/docs/init.js`: starts Swagger UI on the served spec (a file, so the CSP needs no inline script). */
export const API_REFERENCE_INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;
