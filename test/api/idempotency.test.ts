import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { runGeneration } from '../../src/engine/index.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

async function setup(overrides: Partial<AppDeps> = {}) {
  let engineRuns = 0;
  const generator = new SolidColorGenerator();
  const app = createApp({
    generator,
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    store: new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-idem-'))),
    runGeneration: (plan, deps, options) => {
      engineRuns += 1;
      return runGeneration(plan, deps, options);
    },
    ...overrides,
  });
  return { app: withSpecValidation(app), generator, engineRuns: () => engineRuns };
}

const post = (path: string, body: unknown, key?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
  body: JSON.stringify(body),
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, marked Idempotent-Replayed', async () => {
    // Prepare
    const { app, engineRuns } = await setup();
    const body = { prompt: 'a photo of a red apple', search: { budget: 2 } };
    // Act
    const first = await app.request('/v1/generations', post('/v1/generations', body, 'key-1'));
    const again = await app.request('/v1/generations', post('/v1/generations', body, 'key-1'));
    // Assess
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(engineRuns()).toBe(1);
  });

  it('refuses the same key with another body with 422', async () => {
    // Prepare
    const { app } = await setup();
    await app.request('/v1/generations', post('/v1/generations', { prompt: 'a cat' }, 'key-2'));
    // Act
    const response = await app.request('/v1/generations', post('/v1/generations', { prompt: 'a dog' }, 'key-2'));
    // Assess
    expect(response.status).toBe(422);
    expect(((await response.json()) as { code: string }).code).toBe('idempotency_key_reused');
  });

  it('runs the engine once for 20 concurrent identical requests, and all get the same body', async () => {
    // Prepare
    const { app, engineRuns } = await setup();
    const body = { prompt: 'a photo of two cats', search: { budget: 4 } };
    // Act
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.request('/v1/generations', post('/v1/generations', body, 'key-3'))));
    const bodies = await Promise.all(responses.map((response) => response.text()));
    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(new Set(bodies).size).toBe(1);
    expect(engineRuns()).toBe(1);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
  });

  it('releases the key when the first request fails, so a retry runs again', async () => {
    // Prepare
    const { app, engineRuns } = await setup({ generator: new SolidColorGenerator((call) => call === 0) });
    const body = { prompt: 'a cat', search: { budget: 1 } };
    // Act
    const first = await app.request('/v1/generations', post('/v1/generations', body, 'key-4'));
    const retry = await app.request('/v1/generations', post('/v1/generations', body, 'key-4'));
    // Assess
    expect(first.status).toBe(502);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(engineRuns()).toBe(2);
  });

  it('applies to feedback too, and rejects a malformed key with 400', async () => {
    // Prepare
    const { app } = await setup();
    const generation = (await (await app.request('/v1/generations', post('/v1/generations', { prompt: 'a cat', search: { budget: 1 } }))).json()) as { id: string };
    const events = { events: [{ type: 'select', generation_id: generation.id, candidate_id: 'c000' }] };
    // Act
    const first = await app.request('/v1/feedback', post('/v1/feedback', events, 'fb-1'));
    const again = await app.request('/v1/feedback', post('/v1/feedback', events, 'fb-1'));
    const malformed = await app.request('/v1/feedback', post('/v1/feedback', events, 'bad key with spaces'));
    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(malformed.status).toBe(400);
  });
});
