import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { createApp } from '../../src/api/app.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { PLAYGROUND_CSP } from '../../src/api/routes/playground.js';
import { PLAYGROUND_MODULE_PATH, renderPlaygroundModule } from '../../src/playground/build-playground.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';

function deps(playground: boolean | undefined): AppDeps {
  return {
    generator: new SolidColorGenerator(),
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    // nothing here writes: the page and /v1/models read no store
    store: new FsBlobStore(join(tmpdir(), 'diffalign-playground-route-unused')),
    ...(playground === undefined ? {} : { playground }),
  };
}

describe('playground route', () => {
  it('serves the page at / with its own CSP (script, style and API calls from this origin, blob: images), while API answers keep default-src none', async () => {
    // Prepare
    const app = createApp(deps(true));
    // Act
    const page = await app.request('/');
    const api = await app.request('/v1/models');
    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PLAYGROUND_CSP);
    expect(PLAYGROUND_CSP).toContain("script-src 'self'");
    expect(PLAYGROUND_CSP).toContain("img-src 'self' data: blob:");
    expect(PLAYGROUND_CSP).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/playground/playground.js"></script>');
    expect(html).not.toMatch(/<script>|<style>|style="/);
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('serves the script and the style sheet with their media types, a strong ETag and 304 on If-None-Match', async () => {
    // Prepare
    const app = createApp(deps(true));
    // Act
    const script = await app.request('/playground/playground.js');
    const style = await app.request('/playground/playground.css');
    const again = await app.request('/playground/playground.js', { headers: { 'if-none-match': script.headers.get('etag')! } });
    const head = await app.request('/', { method: 'HEAD' });
    // Assess
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('var ApiClient = class');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(script.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(script.headers.get('cache-control')).toBe('no-cache');
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers an unknown playground file with a 404 problem', async () => {
    // Act
    const response = await createApp(deps(true)).request('/playground/missing.js');
    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe('not_found');
  });

  it('is not served when switched off (DIFFALIGN_PLAYGROUND=off) or not asked for: GET / is 404', async () => {
    // Act
    const off = await createApp(deps(false)).request('/');
    const unset = await createApp(deps(undefined)).request('/playground/playground.js');
    // Assess
    expect(off.status).toBe(404);
    expect(unset.status).toBe(404);
  });

  it('serves what the sources build: the committed playground-assets.ts is fresh (npm run playground)', async () => {
    // Act
    const built = await renderPlaygroundModule();
    // Assess
    expect(built === (await readFile(PLAYGROUND_MODULE_PATH, 'utf8')), 'src/playground/playground-assets.ts is stale: run `npm run playground`').toBe(true);
  });
});
