import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { loadConfig } from '../../src/config.js';
import { createDependencies } from '../../src/runtime/create-dependencies.js';
import { specFetch } from '../support/openapi-response-validator.js';
import { parseSse, readSseUntil, type ParsedSseEvent } from '../support/sse.js';

/** Every file name under a directory, recursively. */
async function filesUnder(directory: string): Promise<string[]> {
  return (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('generation lifecycle on the reference world (a real HTTP server on loopback, fs storage)', () => {
  let server: ServerType;
  let baseUrl: string;
  let dataDir: string;
  let closeWorld: () => Promise<void> = async () => undefined;
  const background: Promise<unknown>[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'diffalign-lifecycle-'));
    const deps = createDependencies(loadConfig({ DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_HEARTBEAT_MS: '200' }), { waitUntil: (work) => background.push(work) });
    // as npm start does: worker threads are started before the server listens
    await deps.warmUp();
    closeWorld = () => deps.close();
    const app = createApp(deps);
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.allSettled(background);
    await new Promise((resolve) => server.close(resolve));
    await closeWorld();
  });

  const post = (body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> =>
    specFetch(`${baseUrl}/v1/generations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

  const recordOf = async (id: string): Promise<GenerationRecord> => (await (await specFetch(`${baseUrl}/v1/generations/${id}`)).json()) as GenerationRecord;

  const waitUntilEnded = async (id: string): Promise<GenerationRecord> => {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const record = await recordOf(id);
      if (record.status !== 'queued' && record.status !== 'running') return record;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`generation ${id} did not end`);
  };

  const imagesOnDisk = async (id: string): Promise<string[]> =>
    (await filesUnder(dataDir)).filter((path) => path.includes(id) && path.endsWith('.png')).map((path) => path.split('/').pop()!.replace('.png', '')).sort();

  it('answers a 300 ms deadline on a budget of 64 with 200, truncated, and the images it finished (every try truthful; one of at most 5 tries on a loaded machine)', async () => {
    // Prepare: the first image of a new prompt builds its scene mixture and renders in each worker
    // (~150-300 ms on 2 loaded cores), which alone can exceed 300 ms; a repeated prompt costs ~60 ms +
    // ~30 ms scoring, so the prompt is warmed first. On a machine loaded by other test files a try may
    // still get no image in time: that try must then say so (504 deadline_exceeded), never fail otherwise.
    const prompt = 'a photo of a red train and a purple bear';
    expect((await post({ prompt, seed: 2, search: { budget: 16 } })).status).toBe(200);
    let record: GenerationRecord | null = null;
    for (let attempt = 0; attempt < 5 && !record; attempt += 1) {
      // Act
      const response = await post({ prompt, seed: 3 + attempt, search: { budget: 64 }, deadline_ms: 300 });
      const body = (await response.json()) as GenerationRecord & { code?: string };
      // Assess (every try)
      expect([200, 504]).toContain(response.status);
      if (response.status === 504) expect(body.code).toBe('deadline_exceeded');
      else record = body;
    }
    // Assess
    expect(record).not.toBeNull();
    expect(record!.status).toBe('succeeded');
    expect(record!.truncated).toBe(true);
    expect(record!.stop_reason).toBe('deadline');
    expect(record!.best?.url).toBeTruthy();
    expect(record!.usage!.images).toBeGreaterThanOrEqual(1);
    expect(record!.usage!.images).toBeLessThan(64);
    // every image the generator returned is stored and linked, or its store was cut by the deadline (a failed
    // candidate, `aborted`); a candidate cut while it was generated is failed too, but no image was counted for it
    const stored = record!.candidates.filter((candidate) => candidate.url).length;
    const cut = record!.candidates.filter((candidate) => !candidate.url && candidate.status === 'failed' && candidate.error?.code === 'aborted').length;
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(record!.usage!.images).toBeGreaterThanOrEqual(stored);
    expect(record!.usage!.images).toBeLessThanOrEqual(stored + cut);
    expect(record!.candidates.filter((candidate) => candidate.status !== 'failed').every((candidate) => candidate.url)).toBe(true);
  });

  it('answers a deadline too short for any image with the 504 deadline_exceeded problem naming the kept record in generation_id and Location', async () => {
    // Act
    const response = await post({ prompt: 'a photo of a red train', seed: 4, search: { budget: 8 }, deadline_ms: 1 });
    const problem = (await response.json()) as { code: string; generation_id?: string };
    // Assess: the problem names the kept record (generation_id and Location), no parsing of `detail`
    expect(response.status).toBe(504);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(problem.code).toBe('deadline_exceeded');
    expect(problem.generation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('location')).toBe(`/v1/generations/${problem.generation_id}`);
    const record = await recordOf(problem.generation_id!);
    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('deadline_exceeded');
  });

  it('keeps every finished image when an SSE client disconnects after 1 s, and counts exactly those', async () => {
    // Prepare
    const controller = new AbortController();
    const response = await post({ prompt: 'a photo of two cats and a blue car', seed: 5, search: { budget: 64 } }, { accept: 'text/event-stream' }, controller.signal);
    const started = Date.now();
    // Act
    const events = await readSseUntil(response, (seen) => Date.now() - started > 1000 && seen.some((event) => event.event === 'candidate'));
    controller.abort();
    const id = (events[0]!.data as { id: string }).id;
    const record = await waitUntilEnded(id);
    // Assess
    expect(record.status).toBe('succeeded');
    expect(record.stop_reason).toBe('client');
    expect(record.truncated).toBe(true);
    const onDisk = await imagesOnDisk(id);
    expect(record.usage!.images).toBe(onDisk.length);
    expect(record.candidates.filter((candidate) => candidate.url).map((candidate) => candidate.id).sort()).toEqual(onDisk);
    expect(record.candidates.every((candidate) => candidate.status === 'scored')).toBe(true);
    expect(record.usage!.images).toBeLessThan(64);
  });

  it('reports a negative prompt the backend cannot honour as a warning, not silently', async () => {
    // Act
    const response = await post({ prompt: 'a photo of a red apple', negative_prompt: 'blurry', seed: 9, search: { budget: 2 }, width: 128, height: 128 });
    const record = (await response.json()) as GenerationRecord;
    // Assess
    expect(response.status).toBe(200);
    expect(record.warnings.some((warning) => warning.includes('does not support negativePrompt'))).toBe(true);
  });

  it('never stores a link to the Host header of a request', async () => {
    // Act
    const body = JSON.stringify({ prompt: 'a photo of a red apple', seed: 6, search: { budget: 2 }, width: 128, height: 128 });
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${baseUrl}/v1/generations`,
        { method: 'POST', headers: { host: 'evil.example:1', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    // Assess
    expect(status).toBe(200);
    const records = (await filesUnder(dataDir)).filter((path) => path.endsWith('record.json'));
    expect(records.length).toBeGreaterThan(0);
    for (const path of records) expect(await readFile(path, 'utf8')).not.toContain('evil.example');
  });

  it('resumes an events stream with Last-Event-ID without losing or repeating an event', async () => {
    // Prepare
    const accepted = (await (await post({ prompt: 'a photo of a dog and a red bench', seed: 7, search: { budget: 12 }, width: 256, height: 256 }, { prefer: 'respond-async' })).json()) as GenerationRecord;
    // Act
    const first = await readSseUntil(await specFetch(`${baseUrl}/v1/generations/${accepted.id}/events`), (seen) => seen.filter((event) => event.event === 'candidate').length >= 3);
    const lastId = first.at(-1)!.id!;
    const rest = parseSse(await (await specFetch(`${baseUrl}/v1/generations/${accepted.id}/events`, { headers: { 'last-event-id': lastId } })).text());
    const replayed = parseSse(await (await specFetch(`${baseUrl}/v1/generations/${accepted.id}/events`)).text());
    // Assess
    const ids = (events: readonly ParsedSseEvent[]): number[] => events.map((event) => Number(event.id));
    const all = [...ids(first), ...ids(rest)];
    expect(all).toEqual(Array.from({ length: all.length }, (_, index) => index + 1));
    expect(rest.at(-1)?.event).toBe('done');
    expect(ids(replayed)).toEqual(all);
    const record = rest.at(-1)!.data as GenerationRecord;
    const candidateEvents = [...first, ...rest].filter((event) => event.event === 'candidate').map((event) => (event.data as { id: string }).id);
    expect(candidateEvents.sort()).toEqual(record.candidates.map((candidate) => candidate.id).sort());
  });

  it('cancels a running generation, keeping what finished', async () => {
    // Prepare
    const accepted = (await (await post({ prompt: 'a photo of three dogs left of a blue car', seed: 8, search: { budget: 64 } }, { prefer: 'respond-async' })).json()) as GenerationRecord;
    await readSseUntil(await specFetch(`${baseUrl}/v1/generations/${accepted.id}/events`), (seen) => seen.some((event) => event.event === 'candidate'));
    // Act
    const response = await specFetch(`${baseUrl}/v1/generations/${accepted.id}/cancel`, { method: 'POST' });
    const record = (await response.json()) as GenerationRecord;
    const again = await specFetch(`${baseUrl}/v1/generations/${accepted.id}/cancel`, { method: 'POST' });
    // Assess
    expect(response.status).toBe(200);
    expect(record.status).toBe('cancelled');
    expect(record.candidates.length).toBeGreaterThanOrEqual(1);
    expect(record.candidates.length).toBeLessThan(64);
    expect(record.best).not.toBeNull();
    expect(record.usage!.images).toBe((await imagesOnDisk(accepted.id)).length);
    expect(again.status).toBe(409);
  });
});
