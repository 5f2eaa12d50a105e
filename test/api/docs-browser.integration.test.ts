import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

describe('/docs in Debian Chromium (playwright-core) against a server process, with no network beyond it', () => {
  let temp: string;
  let server: RunningServer;
  let browser: LaunchedChromium;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-docs-browser-'));
    [server, browser] = await Promise.all([startServer({ DIFFALIGN_DATA_DIR: join(temp, 'data'), DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_LOG_LEVEL: 'warn' }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(temp, { recursive: true, force: true });
  });

  it('renders every operation of the spec under its own CSP, loading nothing from another origin', async () => {
    // Prepare
    const page = await browser.context.newPage();
    const problems: string[] = [];
    const origins = new Set<string>();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
    // Act
    await page.goto(`${server.baseUrl}/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
    const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((node) => node.getAttribute('data-path') ?? node.textContent ?? ''));
    await page.screenshot({ path: join('test-output', 'docs.png') }).catch(() => undefined);
    // Assess
    expect(problems).toEqual([]);
    expect([...origins].filter((origin) => origin.startsWith('http'))).toEqual([server.baseUrl]);
    for (const path of ['/v1/generations', '/v1/generations/{id}', '/v1/feedback', '/docs', '/openapi.yaml']) expect(paths.map((text) => text.replace(/\u200b/g, ''))).toContain(path);
  });
});
