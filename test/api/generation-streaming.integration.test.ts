import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { createApp } from '../../src/api/app.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { specFetch } from '../support/openapi-response-validator.js';
import { parseSse } from '../support/sse.js';

describe('POST /v1/generations progress modes (a real HTTP server on loopback)', () => {
  let server: ServerType;
  let baseUrl: string;
  const background: Promise<unknown>[] = [];

  beforeAll(async () => {
    const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-sse-')));
    const app = createApp({
      generator: new SolidColorGenerator(),
      scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
      store,
      waitUntil: (work) => background.push(work),
    });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(background);
    await new Promise((resolve) => server.close(resolve));
  });

  it('streams accepted, candidates and bests in order, ending in done with the record GET returns', async () => {
    // Act
    const response = await specFetch(`${baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ prompt: 'a photo of a red apple', seed: 11, search: { budget: 6 } }),
    });
    const events = parseSse(await response.text());
    // Assess
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const names = events.map((event) => event.event);
    expect(names[0]).toBe('accepted');
    expect(names.at(-1)).toBe('done');
    expect(names.filter((name) => name === 'candidate')).toHaveLength(6);
    expect(names).toContain('best');
    expect(names.indexOf('candidate')).toBeLessThan(names.indexOf('best'));
    const done = events.at(-1)!.data as GenerationRecord;
    const accepted = events[0]!.data as { id: string };
    expect(done.id).toBe(accepted.id);
    const lastBest = events.filter((event) => event.event === 'best').at(-1)!.data as { id: string };
    expect(lastBest.id).toBe(done.best?.id);
    const fetched = await (await specFetch(`${baseUrl}/v1/generations/${done.id}`)).json();
    expect(fetched).toEqual(done);
  });

  it('answers Prefer: respond-async with 202 and a Location that ends succeeded', async () => {
    // Act
    const response = await specFetch(`${baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ prompt: 'a photo of a dog', seed: 5, search: { budget: 4 } }),
    });
    const queued = (await response.json()) as GenerationRecord;
    const location = response.headers.get('location')!;
    // Assess
    expect(response.status).toBe(202);
    expect(queued.status).toBe('queued');
    expect(location).toBe(`/v1/generations/${queued.id}`);
    await Promise.all(background);
    const finished = (await (await specFetch(`${baseUrl}${location}`)).json()) as GenerationRecord;
    expect(finished.status).toBe('succeeded');
    expect(finished.candidates).toHaveLength(4);
    expect(finished.best).not.toBeNull();
  });
});
