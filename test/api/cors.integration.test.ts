import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { ApiKeyStore } from '../../src/api/auth/index.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { parseSse } from '../support/sse.js';

const APP_ORIGIN = 'https://app.example.com';

/** The app behind a real HTTP server on a loopback port; `close` stops it. */
async function listen(overrides: Partial<AppDeps>): Promise<{ baseUrl: string; key: string; close: () => Promise<void> }> {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-cors-')));
  const { key } = await new ApiKeyStore(store).create({ tenant: 'acme' });
  const app = createApp({
    generator: new SolidColorGenerator(),
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    store,
    auth: { cacheTtlMs: 0 },
    ...overrides,
  });
  let server: ServerType | undefined;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  return {
    baseUrl: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`,
    key,
    close: () => new Promise((resolve) => server!.close(() => resolve())),
  };
}

describe('browser apps: CORS and security headers (a real HTTP server on loopback)', () => {
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen({ corsOrigins: [APP_ORIGIN] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers a preflight from an allowed origin with 204, before auth, allowing the API headers', async () => {
    // Act
    const response = await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
    });
    // Assess
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = response.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
    for (const header of ['authorization', 'content-type', 'idempotency-key', 'last-event-id', 'prefer']) expect(allowed).toContain(header);
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('lets an allowed origin read Location, Retry-After, ETag and the request id, on answers and on 401 problems alike', async () => {
    // Act
    const created = await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { origin: APP_ORIGIN, authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a cat', search: { budget: 2 } }),
    });
    const refused = await fetch(`${server.baseUrl}/v1/models`, { headers: { origin: APP_ORIGIN } });
    // Assess
    expect(created.status).toBe(200);
    for (const response of [created, refused]) {
      expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      const exposed = response.headers.get('access-control-expose-headers')!.toLowerCase().split(',');
      for (const header of ['location', 'retry-after', 'etag', 'x-request-id', 'www-authenticate']) expect(exposed).toContain(header);
    }
    expect(refused.status).toBe(401);
  });

  it('gives another origin no CORS grant', async () => {
    // Act
    const preflight = await fetch(`${server.baseUrl}/v1/generations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    const read = await fetch(`${server.baseUrl}/healthz`, { headers: { origin: 'https://evil.example' } });
    // Assess
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts the security headers on JSON, problem, event-stream and image answers, and the stream and the PNG still arrive whole', async () => {
    // Prepare
    const auth = { authorization: `Bearer ${server.key}` };
    const stream = await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ prompt: 'a photo of a red apple', search: { budget: 3 } }),
    });
    const events = parseSse(await stream.text());
    const record = events.at(-1)!.data as GenerationRecord;
    // Act
    const image = await fetch(new URL(record.best!.url!, server.baseUrl), { headers: auth });
    const json = await fetch(`${server.baseUrl}/v1/generations/${record.id}`, { headers: auth });
    const problem = await fetch(`${server.baseUrl}/v1/generations/${record.id}`);
    // Assess
    expect(events.map((event) => event.event).filter((name) => name === 'candidate')).toHaveLength(3);
    expect(events.at(-1)!.event).toBe('done');
    expect(await sharp(Buffer.from(await image.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 16, height: 16 });
    for (const response of [stream, image, json, problem]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      // an app on another origin may still show the images
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    }
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(problem.status).toBe(401);
  });

  it('sends no CORS headers and answers no preflight when no origin is configured', async () => {
    // Prepare
    const plain = await listen({});
    try {
      // Act
      const preflight = await fetch(`${plain.baseUrl}/v1/generations`, { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' } });
      const read = await fetch(`${plain.baseUrl}/healthz`, { headers: { origin: APP_ORIGIN } });
      // Assess
      expect(preflight.status).not.toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
      expect(read.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await plain.close();
    }
  });

  it('allows every origin with *', async () => {
    // Prepare
    const open = await listen({ corsOrigins: '*' });
    try {
      // Act
      const preflight = await fetch(`${open.baseUrl}/v1/feedback`, { method: 'OPTIONS', headers: { origin: 'https://any.example', 'access-control-request-method': 'POST' } });
      // Assess
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await open.close();
    }
  });
});
