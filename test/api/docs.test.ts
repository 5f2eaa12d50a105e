import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { SWAGGER_UI_VERSION } from '../../src/api/docs/api-reference-page.js';
import { swaggerUiAssetReader } from '../../src/runtime/swagger-ui-assets.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

async function setup(overrides: Partial<AppDeps> = {}) {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-docs-')));
  return withSpecValidation(createApp({ generator: new SolidColorGenerator(), scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } }, store, ...overrides }));
}

describe('GET /docs and /openapi.yaml', () => {
  it('serves a Swagger UI page over /openapi.json with its own CSP (no inline script) and its files from the installed package', async () => {
    // Prepare
    const app = await setup({ docsAssets: swaggerUiAssetReader() });
    // Act
    const page = await app.request('/docs');
    const html = await page.text();
    const init = await app.request('/docs/init.js');
    const bundle = await app.request('/docs/assets/swagger-ui-bundle.js');
    const missing = await app.request('/docs/assets/index.html');
    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(html).toContain('<script src="/docs/assets/swagger-ui-bundle.js"></script>');
    expect(html).not.toMatch(/<script>/);
    expect(await init.text()).toContain("url: '/openapi.json'");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(Buffer.from(await bundle.arrayBuffer()).equals(await readFile(join('node_modules', 'swagger-ui-dist', 'swagger-ui-bundle.js')))).toBe(true);
    expect(missing.status).toBe(404);
  });

  it('loads Swagger UI from jsDelivr, pinned to the installed version, where the runtime has no copy of the package', async () => {
    // Prepare
    const app = await setup();
    const installed = JSON.parse(await readFile(join('node_modules', 'swagger-ui-dist', 'package.json'), 'utf8')) as { version: string };
    // Act
    const page = await app.request('/docs');
    const html = await page.text();
    // Assess
    expect(SWAGGER_UI_VERSION).toBe(installed.version);
    expect(html).toContain(`https://cdn.jsdelivr.net/npm/swagger-ui-dist@${installed.version}/swagger-ui-bundle.js`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self' https://cdn.jsdelivr.net;");
    expect((await app.request('/docs/assets/swagger-ui-bundle.js')).status).toBe(404);
  });

  it('serves the description as application/yaml: the committed openapi.yaml, without its generated-file comment', async () => {
    // Prepare
    const app = await setup();
    const committed = await readFile('openapi.yaml', 'utf8');
    // Act
    const response = await app.request('/openapi.yaml');
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    expect(await response.text()).toBe(committed.replace(/^#.*\n/, ''));
  });
});
