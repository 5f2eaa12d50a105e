import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { ApiKeyStore } from '../../src/api/auth/index.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';
import { GatedGenerator } from '../support/gated-generator.js';

async function setup(overrides: Partial<AppDeps> = {}) {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-limits-')));
  const clock = { ms: Date.parse('2026-03-01T12:00:00.000Z') };
  const background: Promise<unknown>[] = [];
  const app = withSpecValidation(createApp({
    generator: new SolidColorGenerator(),
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    store,
    auth: { cacheTtlMs: 0 },
    now: () => clock.ms,
    waitUntil: (work) => background.push(work),
    ...overrides,
  }));
  const keys = new ApiKeyStore(store);
  const client = (key?: string) => ({
    get: (path: string) => app.request(path, key ? { headers: { authorization: `Bearer ${key}` } } : {}),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  });
  return { app, store, keys, clock, client, background };
}

describe('per-tenant limits', () => {
  describe('requests per minute', () => {
    it("answers 429 rate_limited with Retry-After once a tenant's bucket is empty, and lets it in again after that many seconds", async () => {
      // Prepare: 3 per minute, so a token every 20 s
      const { keys, clock, client } = await setup();
      const acme = client((await keys.create({ tenant: 'acme', limits: { rate_per_minute: 3 } })).key);
      // Act
      const statuses = [];
      for (let index = 0; index < 3; index += 1) statuses.push((await acme.get('/v1/models')).status);
      const refused = await acme.get('/v1/models');
      const body = (await refused.json()) as Record<string, unknown>;
      const retryAfter = Number(refused.headers.get('retry-after'));
      clock.ms += (retryAfter - 1) * 1000;
      const early = (await acme.get('/v1/models')).status;
      clock.ms += 1000;
      const after = (await acme.get('/v1/models')).status;
      // Assess
      expect(statuses).toEqual([200, 200, 200]);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(body).toMatchObject({ code: 'rate_limited', limit: 3, retry_after_seconds: 20 });
      expect(retryAfter).toBe(20);
      expect(early).toBe(429);
      expect(after).toBe(200);
    });

    it("gives each tenant its own bucket: one tenant over its limit does not slow another", async () => {
      // Prepare
      const { keys, client } = await setup({ limits: { ratePerMinute: 2 } });
      const acme = client((await keys.create({ tenant: 'acme' })).key);
      const globex = client((await keys.create({ tenant: 'globex' })).key);
      // Act
      const acmeStatuses = [(await acme.get('/v1/models')).status, (await acme.get('/v1/models')).status, (await acme.get('/v1/models')).status];
      const globexStatus = (await globex.get('/v1/models')).status;
      // Assess
      expect(acmeStatuses).toEqual([200, 200, 429]);
      expect(globexStatus).toBe(200);
    });

    it('counts no request while auth is off (one local user), and never /healthz', async () => {
      // Prepare
      const { client } = await setup({ limits: { ratePerMinute: 1 } });
      const local = client();
      // Act
      const statuses = [(await local.get('/v1/models')).status, (await local.get('/v1/models')).status, (await local.get('/healthz')).status];
      // Assess
      expect(statuses).toEqual([200, 200, 200]);
    });
  });

  describe('generations in flight', () => {
    it('answers 429 too_many_generations with Retry-After past the limit, for that tenant only, and frees the slot when a generation ends', async () => {
      // Prepare
      const generator = new GatedGenerator();
      const { keys, client, background } = await setup({ generator, limits: { maxRunning: 1 } });
      const acme = client((await keys.create({ tenant: 'acme' })).key);
      const globex = client((await keys.create({ tenant: 'globex' })).key);
      const request = { prompt: 'a photo of a red apple', search: { budget: 2 } };
      const async = { prefer: 'respond-async' };
      // Act
      const first = await acme.post('/v1/generations', request, async);
      const second = await acme.post('/v1/generations', request, async);
      const other = await globex.post('/v1/generations', request, async);
      generator.open();
      await Promise.all(background);
      const later = await acme.post('/v1/generations', request, async);
      await Promise.all(background);
      // Assess
      expect(first.status).toBe(202);
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await second.json()).toMatchObject({ code: 'too_many_generations', limit: 1 });
      expect(other.status).toBe(202);
      expect(later.status).toBe(202);
    });
  });

  describe('budget per request', () => {
    it("answers a budget over the tenant's limit with 422 budget_over_limit naming search.budget and the limit, and writes nothing", async () => {
      // Prepare
      const { keys, client, store } = await setup({ limits: { maxBudget: 16 } });
      const small = client((await keys.create({ tenant: 'small', limits: { max_budget: 4 } })).key);
      const standard = client((await keys.create({ tenant: 'standard' })).key);
      // Act
      const refused = await small.post('/v1/generations', { prompt: 'a cat', search: { budget: 8 } });
      const body = (await refused.json()) as Record<string, unknown>;
      const allowed = await standard.post('/v1/generations', { prompt: 'a cat', search: { budget: 8 } });
      const overDefault = await standard.post('/v1/generations', { prompt: 'a cat', search: { budget: 17 } });
      // Assess
      expect(refused.status).toBe(422);
      expect(body).toMatchObject({ code: 'budget_over_limit', limit: 4, invalid_params: [{ name: 'search.budget' }] });
      expect(String(body.detail)).toContain('limit of 4 images');
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as GenerationRecord).candidates).toHaveLength(8);
      expect(((await overDefault.json()) as Record<string, unknown>).limit).toBe(16);
      expect((await store.list('generations/small/'))).toEqual([]);
    });

    it('holds requests to the configured budget limit also while auth is off', async () => {
      // Prepare
      const { client } = await setup({ limits: { maxBudget: 2 } });
      // Act
      const refused = await client().post('/v1/generations', { prompt: 'a cat', search: { budget: 3 } });
      // Assess
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as Record<string, unknown>).code).toBe('budget_over_limit');
    });
  });
});
