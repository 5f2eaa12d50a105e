import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { GenerationSupervisor } from '../../src/api/generation-supervisor.js';
import type { Logger } from '../../src/api/logger.js';
import { probeStore } from '../../src/api/store-probe.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

interface LogLine {
  readonly level: string;
  readonly message: string | undefined;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every line, with its child bindings merged in (as pino writes them). */
function capturingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const write = (level: string) => (fields: Record<string, unknown>, message?: string) => {
    lines.push({ level, message, fields: { ...bindings, ...fields } });
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
  };
}

async function setup(overrides: Partial<AppDeps> = {}) {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-http-')));
  const logger = capturingLogger();
  const app = withSpecValidation(createApp({ ...baseDeps(store), maxBodyBytes: 2048, logger, ...overrides }));
  return { app, store, logger };
}

function baseDeps(store: BlobStore): AppDeps {
  return {
    generator: new SolidColorGenerator(),
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    store,
  };
}

/** POSTs a streamed JSON body to /v1/generations (no Content-Length unless given). */
function postStream(app: Hono, body: ReadableStream<Uint8Array>, headers: Record<string, string>): Promise<Response> {
  return Promise.resolve(app.request('/v1/generations', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit));
}

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('createApp HTTP details', () => {
  describe('405 Method Not Allowed', () => {
    it.each([
      ['DELETE', '/v1/models', 'GET, HEAD'],
      ['PUT', '/v1/generations', 'GET, HEAD, POST'],
      ['PUT', '/v1/feedback', 'POST'],
      ['POST', '/healthz', 'GET, HEAD'],
      ['PATCH', '/v1/generations/0193b6e8-8f1a-7c3e-9d4b-2f6a8e1c5b7d', 'GET, HEAD, DELETE'],
      ['POST', '/v1/generations/0193b6e8-8f1a-7c3e-9d4b-2f6a8e1c5b7d/candidates/c000', 'GET, HEAD'],
    ])('answers %s %s with problem+json and Allow: %s', async (method, path, allow) => {
      // Prepare
      const { app } = await setup();
      // Act
      const response = await app.request(path, { method });
      // Assess
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 405, code: 'method_not_allowed', instance: path });
    });

    it('lists routes added to the app after createApp', async () => {
      // Prepare
      const { app } = await setup();
      app.post('/v1/models', (c) => c.json({}));
      // Act
      const response = await app.request('/v1/models', { method: 'DELETE' });
      // Assess
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
    });

    it('serves HEAD like GET, and answers HEAD on a POST-only path with 405', async () => {
      // Prepare
      const { app } = await setup();
      // Act
      const head = await app.request('/v1/models', { method: 'HEAD' });
      const headOnPost = await app.request('/v1/feedback', { method: 'HEAD' });
      // Assess
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(headOnPost.status).toBe(405);
      expect(headOnPost.headers.get('allow')).toBe('POST');
    });

    it('keeps 404 for unknown paths and for unknown ids on known ones', async () => {
      // Prepare
      const { app } = await setup();
      // Act
      const unknownPath = await app.request('/v1/nothing-here', { method: 'DELETE' });
      const unknownId = await app.request('/v1/generations/0193b6e8-8f1a-7c3e-9d4b-2f6a8e1c5b7d');
      // Assess
      expect(unknownPath.status).toBe(404);
      expect(unknownPath.headers.get('allow')).toBeNull();
      expect(await unknownPath.json()).toMatchObject({ code: 'not_found' });
      expect(unknownId.status).toBe(404);
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a well-formed id from the client, on success and on problem answers', async () => {
      // Prepare
      const { app } = await setup();
      const headers = { 'x-request-id': 'client-trace_42=' };
      // Act
      const ok = await app.request('/healthz', { headers });
      const notFound = await app.request('/v1/generations/not-an-id', { headers });
      const notAllowed = await app.request('/healthz', { method: 'POST', headers });
      // Assess
      expect(ok.headers.get('x-request-id')).toBe('client-trace_42=');
      expect(notFound.headers.get('x-request-id')).toBe('client-trace_42=');
      expect(notAllowed.headers.get('x-request-id')).toBe('client-trace_42=');
    });

    it('generates a UUID when the client sends none, and a different one per request', async () => {
      // Prepare
      const { app } = await setup();
      // Act
      const [first, second] = await Promise.all([app.request('/healthz'), app.request('/healthz')]);
      // Assess
      expect(first!.headers.get('x-request-id')).toMatch(REQUEST_ID);
      expect(second!.headers.get('x-request-id')).toMatch(REQUEST_ID);
      expect(first!.headers.get('x-request-id')).not.toBe(second!.headers.get('x-request-id'));
    });

    it('keeps a 128-character id', async () => {
      // Prepare
      const { app } = await setup();
      const sent = `${'a1'.repeat(63)}-_`;
      // Act
      const response = await app.request('/healthz', { headers: { 'x-request-id': sent } });
      // Assess
      expect(response.headers.get('x-request-id')).toBe(sent);
    });

    it.each([['has spaces in it'], ['x'.repeat(129)], ['semi;colon'], ['']])('replaces a malformed id (%j) with a new one', async (sent) => {
      // Prepare
      const { app } = await setup();
      // Act
      const response = await app.request('/healthz', { headers: { 'x-request-id': sent } });
      // Assess
      expect(response.headers.get('x-request-id')).toMatch(REQUEST_ID);
    });

    it('is in the request log line and in the error lines of that request', async () => {
      // Prepare
      const { app, logger } = await setup();
      app.get('/v1/boom', () => {
        throw new Error('engine blew up');
      });
      // Act
      const ok = await app.request('/healthz', { headers: { 'x-request-id': 'req-ok' } });
      const failed = await app.request('/v1/boom', { headers: { 'x-request-id': 'req-fail' } });
      // Assess
      expect(ok.status).toBe(200);
      expect(failed.status).toBe(500);
      expect(failed.headers.get('x-request-id')).toBe('req-fail');
      const requestLines = logger.lines.filter((line) => line.message === 'request');
      expect(requestLines).toContainEqual({
        level: 'info',
        message: 'request',
        fields: { request_id: 'req-ok', method: 'GET', path: '/healthz', status: 200, ms: expect.any(Number) },
      });
      expect(requestLines).toContainEqual(
        expect.objectContaining({ fields: expect.objectContaining({ request_id: 'req-fail', status: 500, code: 'internal_error' }) }),
      );
      const errorLine = logger.lines.find((line) => line.level === 'error');
      expect(errorLine?.fields).toMatchObject({ request_id: 'req-fail', status: 500, code: 'internal_error', error: { message: 'engine blew up' } });
      expect((errorLine?.fields.error as { stack?: string }).stack).toContain('engine blew up');
    });

    it('puts the problem code of a client error on the request line, with no error line', async () => {
      // Prepare
      const { app, logger } = await setup();
      // Act
      await app.request('/v1/models', { method: 'DELETE', headers: { 'x-request-id': 'req-405' } });
      // Assess
      expect(logger.lines).toEqual([
        { level: 'info', message: 'request', fields: expect.objectContaining({ request_id: 'req-405', status: 405, code: 'method_not_allowed' }) },
      ]);
    });
  });

  describe('413 Payload Too Large', () => {
    it('refuses a body whose Content-Length is over the limit without reading it', async () => {
      // Prepare
      const { app } = await setup();
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new TextEncoder().encode('{"prompt": "a cat"}'));
          controller.close();
        },
      });
      // Act
      const response = await postStream(app, body, { 'content-length': '100000' });
      // Assess
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
      expect(pulled).toBeLessThanOrEqual(1);
    });

    it('refuses a chunked body with no Content-Length once it grows past the limit', async () => {
      // Prepare
      const { app, store } = await setup();
      const chunk = new TextEncoder().encode(`{"prompt": "${'a'.repeat(1000)}`);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 1;
          if (sent > 50) controller.close();
          else controller.enqueue(chunk);
        },
      });
      // Act
      const response = await postStream(app, body, { 'transfer-encoding': 'chunked' });
      // Assess
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
      expect(sent).toBeLessThan(50);
      expect(await store.list('')).toEqual([]);
    });

    it('still reads a body under the limit, and answers 422 / 400 for bad ones', async () => {
      // Prepare
      const { app } = await setup();
      const post = (body: string, contentType = 'application/json') =>
        app.request('/v1/generations', { method: 'POST', headers: { 'content-type': contentType }, body });
      // Act
      const [invalid, notJson, wrongType] = await Promise.all([post('{"prompt": ""}'), post('{"prompt": '), post('{"prompt":"a"}', 'text/plain')]);
      // Assess
      expect(invalid.status).toBe(422);
      expect(await invalid.json()).toMatchObject({ code: 'validation_failed', invalid_params: [expect.objectContaining({ name: 'prompt' })] });
      expect(notJson.status).toBe(400);
      expect(wrongType.status).toBe(400);
    });
  });

  describe('GET /readyz', () => {
    it('answers ready when the readiness check passes', async () => {
      // Prepare
      const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-ready-')));
      const app = withSpecValidation(createApp({ ...baseDeps(store), checkReady: () => probeStore(store) }));
      // Act
      const response = await app.request('/readyz');
      // Assess
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready' });
      expect(await store.list('')).toEqual([]);
    });

    it('answers 503 not_ready with the reason when the store cannot be written', async () => {
      // Prepare
      const broken: BlobStore = {
        provider: 'broken',
        get: async () => null,
        head: async () => null,
        listPage: async () => ({ keys: [] }),
        put: async () => {
          throw new Error('EACCES: permission denied');
        },
        list: async () => [],
        delete: async () => undefined,
      };
      const app = withSpecValidation(createApp({ ...baseDeps(broken), checkReady: () => probeStore(broken) }));
      // Act
      const response = await app.request('/readyz');
      // Assess
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code).toBe('not_ready');
      expect(problem.detail).toContain('EACCES: permission denied');
    });

    it('answers 503 shutting_down while the supervisor drains, and /healthz stays 200', async () => {
      // Prepare
      const supervisor = new GenerationSupervisor({ maxRunning: 1, maxQueued: 0 });
      const { app } = await setup({ supervisor, checkReady: async () => undefined });
      await supervisor.shutdown(0);
      // Act
      const ready = await app.request('/readyz');
      const health = await app.request('/healthz');
      // Assess
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ code: 'shutting_down' });
      expect(health.status).toBe(200);
    });
  });
});

describe('probeStore', () => {
  it('fails, naming the step, when the store hangs past the time limit', async () => {
    // Prepare
    const hanging: BlobStore = {
      provider: 'hanging',
      get: () => new Promise(() => undefined),
      head: async () => null,
      listPage: async () => ({ keys: [] }),
      put: () => new Promise(() => undefined),
      list: async () => [],
      delete: async () => undefined,
    };
    // Act / Assess
    await expect(probeStore(hanging, { timeoutMs: 20 })).rejects.toThrow(/hanging store did not finish a probe write within 20 ms/);
  });
});
