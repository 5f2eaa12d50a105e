import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

async function setup(overrides: Partial<AppDeps> = {}) {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-app-')));
  const generator = new SolidColorGenerator();
  const deps: AppDeps = {
    generator,
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    store,
    maxBodyBytes: 64 * 1024,
    ...overrides,
  };
  return { app: withSpecValidation(createApp(deps)), store, generator };
}

const postJson = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('createApp', () => {
  describe('POST /v1/generations', () => {
    it('answers the record whose best is the highest-reward candidate, with every candidate kept', async () => {
      // Prepare
      const { app } = await setup();
      // Act
      const response = await app.request('/v1/generations', postJson({ prompt: 'a photo of a red apple', seed: 7, search: { method: 'best_of_n', budget: 4 } }));
      const record = (await response.json()) as GenerationRecord;
      // Assess
      expect(response.status).toBe(200);
      expect(record.status).toBe('succeeded');
      expect(record.candidates).toHaveLength(4);
      expect(record.usage?.images).toBe(4);
      const rewards = record.candidates.map((candidate) => candidate.reward ?? -Infinity);
      expect(record.best?.reward).toBe(Math.max(...rewards));
      const brightest = Math.max(...record.candidates.map((candidate) => candidate.scores.brightness!));
      expect(record.best?.scores.brightness).toBe(brightest);
      for (const candidate of record.candidates) {
        expect(candidate.noise.terms).toHaveLength(1);
        expect(candidate.prompt).toBe('a photo of a red apple');
      }
    });

    it('serves the chosen image as an immutable PNG with an ETag', async () => {
      // Prepare
      const { app } = await setup();
      const record = (await (await app.request('/v1/generations', postJson({ prompt: 'a cat', search: { budget: 2 } }))).json()) as GenerationRecord;
      const path = record.best!.url!;
      expect(path.startsWith("/v1/generations/")).toBe(true);
      // Act
      const image = await app.request(path);
      const again = await app.request(path, { headers: { 'if-none-match': image.headers.get('etag')! } });
      // Assess
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(image.headers.get('cache-control')).toContain('immutable');
      const metadata = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
      expect(metadata.format).toBe('png');
      expect(again.status).toBe(304);
    });

    it('returns the same record from GET /v1/generations/{id}', async () => {
      // Prepare
      const { app } = await setup();
      const created = (await (await app.request('/v1/generations', postJson({ prompt: 'a dog' }))).json()) as GenerationRecord;
      // Act
      const fetched = await app.request(`/v1/generations/${created.id}`);
      // Assess
      expect(fetched.status).toBe(200);
      expect(await fetched.json()).toEqual(created);
    });

    it.each([
      ['a missing prompt', { search: { budget: 4 } }, 422, 'prompt'],
      ['a budget of 1000000', { prompt: 'a cat', search: { budget: 1_000_000 } }, 422, 'search.budget'],
      ['an unknown field', { prompt: 'a cat', colour: 'red' }, 422, '(body)'],
      ['an unknown scorer', { prompt: 'a cat', rewards: [{ model: 'pickscore' }] }, 422, 'rewards[0].model'],
      ['an image too large', { prompt: 'a cat', width: 4096 }, 422, 'width'],
      ['a prompt too long', { prompt: 'a'.repeat(5000) }, 422, 'prompt'],
      ['n above the budget', { prompt: 'a cat', n: 5, search: { budget: 4 } }, 422, 'n'],
    ])('answers %s with a problem naming the field, and writes nothing', async (_label, body, status, field) => {
      // Prepare
      const { app, store, generator } = await setup();
      // Act
      const response = await app.request('/v1/generations', postJson(body));
      const problem = (await response.json()) as { code: string; invalid_params?: { name: string }[]; detail: string };
      // Assess
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(problem.code).toBe('validation_failed');
      expect(problem.invalid_params?.map((param) => param.name)).toContain(field);
      expect(await store.list('')).toEqual([]);
      expect(generator.calls).toBe(0);
    });

    it('answers a non-JSON body with 400 and a 5 MB body with 413, writing nothing', async () => {
      // Prepare
      const { app, store } = await setup();
      // Act
      const notJson = await app.request('/v1/generations', postJson('{"prompt": "a cat"'));
      const wrongType = await app.request('/v1/generations', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a cat' });
      const huge = await app.request('/v1/generations', postJson({ prompt: 'x'.repeat(5 * 1024 * 1024) }));
      // Assess
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { code: string }).code).toBe('malformed_request');
      expect(wrongType.status).toBe(400);
      expect(huge.status).toBe(413);
      expect(huge.headers.get('content-type')).toBe('application/problem+json');
      expect(await store.list('')).toEqual([]);
    });

    it('degrades only the candidate whose endpoint call failed', async () => {
      // Prepare: batches of one image; the second call fails with a non-retryable error
      const failing = Object.assign(new SolidColorGenerator((callIndex) => callIndex === 1), { maxBatchSize: 1 });
      const { app } = await setup({ generator: failing });
      // Act
      const response = await app.request('/v1/generations', postJson({ prompt: 'a cat', seed: 3, search: { budget: 8 } }));
      const record = (await response.json()) as GenerationRecord;
      // Assess
      const failed = record.candidates.filter((candidate) => candidate.error);
      expect(response.status).toBe(200);
      expect(record.candidates).toHaveLength(8);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reward).toBeNull();
      expect(record.best?.error).toBeUndefined();
    });

    it('keeps a failed record and answers 502 naming it in generation_id and Location when every candidate fails', async () => {
      // Prepare
      const { app, store } = await setup({ generator: new SolidColorGenerator(() => true) });
      // Act
      const response = await app.request('/v1/generations', postJson({ prompt: 'a cat', search: { budget: 2 } }));
      const problem = (await response.json()) as { code: string; generation_id: string };
      // Assess: the problem names the kept record, which reads back failed
      expect(response.status).toBe(502);
      expect(problem.code).toBe('upstream_failed');
      expect(response.headers.get('location')).toBe(`/v1/generations/${problem.generation_id}`);
      const keys = await store.list('generations/');
      expect(keys.filter((key) => key.endsWith('record.json'))).toHaveLength(1);
      const record = (await (await app.request(`/v1/generations/${problem.generation_id}`)).json()) as GenerationRecord;
      expect(record.status).toBe('failed');
    });
  });

  describe('GET routes', () => {
    it('answers a corrupt stored record with 500 corrupt_record naming the generation, not a client error', async () => {
      // Prepare: a finished record whose stored document is then overwritten with bytes that are not JSON
      const { app, store } = await setup();
      const created = (await (await app.request('/v1/generations', postJson({ prompt: 'a cat', search: { budget: 1 } }))).json()) as GenerationRecord;
      const key = (await store.list('generations/')).find((name) => name.endsWith('record.json'))!;
      await store.put(key, new TextEncoder().encode('{"id": "trunc'), { contentType: 'application/json' });
      // Act
      const response = await app.request(`/v1/generations/${created.id}`);
      const problem = (await response.json()) as { code: string; status: number; generation_id: string; detail: string };
      // Assess
      expect(response.status).toBe(500);
      expect(problem).toMatchObject({ code: 'corrupt_record', status: 500, generation_id: created.id });
      expect(problem.detail).not.toContain('trunc');
    });

    it('404s an unknown generation as problem+json', async () => {
      // Prepare
      const { app } = await setup();
      // Act
      const response = await app.request('/v1/generations/0190d3a4-1234-7abc-8def-0123456789ab');
      // Assess
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    });

    it('lists the models and answers health and the OpenAPI document', async () => {
      // Prepare
      const { app } = await setup();
      // Act
      const models = (await (await app.request('/v1/models')).json()) as { scorers: { id: string }[]; generators: { id: string }[] };
      const health = await app.request('/healthz');
      const openapi = (await (await app.request('/openapi.json')).json()) as { openapi: string };
      // Assess
      expect(models.scorers.map((scorer) => scorer.id)).toEqual(['brightness']);
      expect(models.generators[0]?.id).toBe('solid-color');
      expect(health.status).toBe(200);
      expect(openapi.openapi).toBe('3.1.0');
    });
  });
});
