import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { loadConfig } from '../../src/config.js';
import { createDependencies, type WiredDependencies } from '../../src/runtime/create-dependencies.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';
import { parseSse } from '../support/sse.js';
import { reproducible } from '../support/reproducible-record.js';

type ReferenceApp = ReturnType<typeof createApp>;

/** The app as npm start wires it (reference backend on worker threads, fs storage in a fresh directory); its threads are closed after the file. */
async function referenceApp(): Promise<ReferenceApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'diffalign-ref-'));
  const dependencies = createDependencies(loadConfig({ DIFFALIGN_DATA_DIR: dataDir }));
  wired.push(dependencies);
  return withSpecValidation(createApp(dependencies));
}
const wired: WiredDependencies[] = [];

const generate = async (app: ReferenceApp, body: unknown): Promise<GenerationRecord> => {
  const response = await app.request('/v1/generations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as GenerationRecord;
};

describe('the app on the reference world (as npm start wires it)', () => {
  // one app (and worker pool) shared by the tests that need no fresh one: each pool warms its own threads
  let shared: ReferenceApp;
  beforeAll(async () => {
    shared = await referenceApp();
  });
  afterAll(async () => {
    await Promise.all(wired.map((dependencies) => dependencies.close()));
  });

  it('gives the same record for the same request and seed, on two separate apps', async () => {
    // Prepare
    const body = {
      prompt: 'a photo of two cats and a red umbrella',
      seed: 1234,
      width: 128,
      height: 128,
      search: { method: 'zero_order', budget: 6, neighbors: 2, search_steps: 8 },
      rewards: [{ model: 'geneval', weight: 1 }, { model: 'aesthetic', weight: 0.5 }],
    };
    // Act
    const first = await generate(shared, body);
    const second = await generate(await referenceApp(), body);
    // Assess
    expect(first.id).not.toBe(second.id);
    expect(reproducible(second)).toEqual(reproducible(first));
    expect(first.usage?.images).toBeLessThanOrEqual(6);
  });

  it('keeps the user prompt beside the final one when OPT2I revises it', async () => {
    // Act
    const record = await generate(shared, {
      prompt: 'a photo of a purple wine glass and a black apple',
      seed: 3,
      width: 128,
      height: 128,
      steps: 10,
      prompt_optimization: { method: 'opt2i', rounds: 2, candidates: 3, noises: 2 },
      search: { budget: 16 },
    });
    // Assess
    expect(record.prompt).toBe('a photo of a purple wine glass and a black apple');
    expect(typeof record.final_prompt).toBe('string');
    expect(record.usage!.prompt_images).toBeGreaterThan(0);
    expect(record.usage!.images).toBeLessThanOrEqual(16);
    expect(record.usage!.calls.chat).toBeGreaterThan(0);
    expect(record.trace.some((entry) => entry.phase === 'prompt' && entry.method === 'opt2i')).toBe(true);
  });

  it('streams prompt events before the candidates that judge them when Promptist runs', async () => {
    // Prepare
    const app = shared;
    // Act
    const response = await app.request('/v1/generations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ prompt: 'a photo of a bench', seed: 9, width: 64, height: 64, steps: 8, prompt_optimization: { method: 'promptist', candidates: 2, noises: 2 }, search: { budget: 8 } }),
    });
    const events = parseSse(await response.text());
    // Assess
    const names = events.map((event) => event.event);
    const prompts = events.filter((event) => event.event === 'prompt').map((event) => event.data as { prompt: string; source: string });
    expect(names[0]).toBe('accepted');
    expect(names.at(-1)).toBe('done');
    expect(prompts.map((prompt) => prompt.source)).toEqual(expect.arrayContaining(['user', 'promptist']));
    expect(names.indexOf('prompt')).toBeLessThan(names.indexOf('candidate'));
    const done = events.at(-1)!.data as GenerationRecord;
    expect(names.filter((name) => name === 'candidate')).toHaveLength(done.candidates.length);
    expect(done.usage!.images).toBeLessThanOrEqual(8);
  });
  it.each(['preview_prune', 'paths', 'particles'] as const)('runs %s on the generator v2 with only budget_nfe given, within it and without falling back', async (method) => {
    // Prepare: 10 steps at guidance 5 = 20 NFEs an image; 200 NFEs bind, the image budget steps aside
    const app = shared;
    // Act
    const record = await generate(app, { prompt: 'a photo of a red cat and a blue bench', seed: 21, width: 64, height: 64, steps: 10, guidance: 5, search: { method, budget_nfe: 200 } });
    // Assess
    expect(record.status).toBe('succeeded');
    expect(record.request.search.method).toBe(method);
    expect(record.warnings.filter((warning) => warning.includes('generator-v2'))).toEqual([]);
    expect(record.request.search.budget).toBeGreaterThan(4);
    expect(record.usage!.nfe + (record.usage!.failed_nfe ?? 0)).toBeLessThanOrEqual(200);
    expect(record.usage!.search_nfe).toBeGreaterThan(0);
    expect(record.best).not.toBeNull();
  });
});
