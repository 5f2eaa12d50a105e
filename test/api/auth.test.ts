import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { ApiKeyStore } from '../../src/api/auth/index.js';
import type { Logger } from '../../src/api/logger.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

/** A logger that keeps every line with the bindings of its children. */
function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: string) => (fields: Record<string, unknown>, message?: string) => lines.push({ level, ...bindings, ...fields, msg: message });
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return { logger: make({}), lines };
}

async function setup(overrides: Partial<AppDeps> = {}) {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-auth-')));
  // the CLI's view of the same store: keys made here are what `diffalign keys create` would write
  const cli = new ApiKeyStore(store);
  const { logger, lines } = recordingLogger();
  const app = withSpecValidation(createApp({
    generator: new SolidColorGenerator(),
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    store,
    logger,
    auth: { cacheTtlMs: 0 },
    ...overrides,
  }));
  return { app, store, cli, lines };
}

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

async function problemOf(response: Response): Promise<{ status: number; code: unknown; wwwAuthenticate: string | null; contentType: string | null }> {
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status, code: body.code, wwwAuthenticate: response.headers.get('www-authenticate'), contentType: response.headers.get('content-type') };
}

describe('authenticate (API keys as Authorization: Bearer)', () => {
  it('is off while the store holds no key: /v1 answers without a key, as the default tenant', async () => {
    // Prepare
    const { app, lines } = await setup({ tenant: 'local' });
    // Act
    const response = await app.request('/v1/models');
    // Assess
    expect(response.status).toBe(200);
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ tenant: 'local', status: 200 });
  });

  it('switches on as soon as a key is created in the store, without a new app', async () => {
    // Prepare
    const { app, cli } = await setup();
    expect((await app.request('/v1/models')).status).toBe(200);
    // Act
    const { key } = await cli.create({ tenant: 'acme' });
    const withoutKey = await app.request('/v1/models');
    const withKey = await app.request('/v1/models', bearer(key));
    // Assess
    expect(await problemOf(withoutKey)).toEqual({ status: 401, code: 'unauthenticated', wwwAuthenticate: 'Bearer realm="diffalign"', contentType: 'application/problem+json' });
    expect(withKey.status).toBe(200);
  });

  it('answers a missing key with 401 unauthenticated, and malformed or wrong keys with 401 invalid_api_key (WWW-Authenticate: Bearer, error="invalid_token")', async () => {
    // Prepare
    const { app, cli } = await setup();
    const { key } = await cli.create({ tenant: 'acme' });
    const otherIdSameSecret = `da_${'0'.repeat(16)}${key.slice(19)}`;
    const wrongSecret = `${key.slice(0, -2)}${key.endsWith('AA') ? 'BB' : 'AA'}`;
    // Act
    const answers = await Promise.all(
      [
        {},
        { headers: { authorization: '' } },
        { headers: { authorization: key } },
        { headers: { authorization: `Basic ${btoa(`user:${key}`)}` } },
        bearer('da_short'),
        bearer(`${key} extra`),
        bearer(otherIdSameSecret),
        bearer(wrongSecret),
      ].map(async (init) => problemOf(await app.request('/v1/models', init))),
    );
    // Assess
    expect(answers.map((answer) => answer.code)).toEqual(['unauthenticated', 'unauthenticated', ...Array(6).fill('invalid_api_key')]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.wwwAuthenticate).toMatch(/^Bearer realm="diffalign"/);
    }
    expect(answers[7]!.wwwAuthenticate).toMatch(/error="invalid_token"/);
  });

  it('accepts the scheme in any case and refuses a revoked key with 401 revoked_api_key at once with a zero cache time', async () => {
    // Prepare
    const { app, cli } = await setup();
    const { key, document } = await cli.create({ tenant: 'acme' });
    expect((await app.request('/v1/models', { headers: { authorization: `bearer ${key}` } })).status).toBe(200);
    // Act
    await cli.revoke(document.key_id);
    const answer = await problemOf(await app.request('/v1/models', bearer(key)));
    // Assess
    expect(answer).toMatchObject({ status: 401, code: 'revoked_api_key' });
    expect(answer.wwwAuthenticate).toMatch(/^Bearer realm="diffalign", error="invalid_token"/);
  });

  it('keeps /healthz, /readyz and /openapi.json open while every /v1 route needs a key', async () => {
    // Prepare
    const { app, cli } = await setup();
    await cli.create({ tenant: 'acme' });
    // Act
    const open = await Promise.all(['/healthz', '/readyz', '/openapi.json'].map(async (path) => (await app.request(path)).status));
    const guarded = await Promise.all(
      [
        ['GET', '/v1/models'],
        ['POST', '/v1/generations'],
        ['GET', '/v1/generations/0190a0a0-0000-7000-8000-000000000000'],
        ['POST', '/v1/feedback'],
        ['POST', '/v1/erasures'],
        ['GET', '/v1/no-such-route'],
      ].map(async ([method, path]) => (await app.request(path!, { method: method! })).status),
    );
    // Assess
    expect(open).toEqual([200, 200, 200]);
    expect(guarded).toEqual(Array(6).fill(401));
  });

  it('is always on in required mode, even with no key in the store', async () => {
    // Prepare
    const { app } = await setup({ auth: { mode: 'required', cacheTtlMs: 0 } });
    // Act
    const answer = await problemOf(await app.request('/v1/models'));
    // Assess
    expect(answer).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('logs the tenant and key id of each request, never the key, and the 401 code of refused ones', async () => {
    // Prepare
    const { app, cli, lines } = await setup();
    const { key, document } = await cli.create({ tenant: 'acme' });
    // Act
    await app.request('/v1/models', bearer(key));
    await app.request('/v1/models', bearer(`${key.slice(0, -1)}x`));
    // Assess
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests[0]).toMatchObject({ status: 200, tenant: 'acme', key_id: document.key_id });
    expect(requests[1]).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(requests[1]).not.toHaveProperty('tenant');
    expect(JSON.stringify(lines)).not.toContain(key.slice(20));
    expect(lines.some((line) => line.auth === 'on')).toBe(true);
  });
});
