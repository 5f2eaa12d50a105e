import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../src/adapters/storage/fs-blob-store.js';
import { createApp } from '../../../src/api/app.js';
import { ApiClient, ApiError, type GenerationEvent, readGenerationEvents, ServerUnreachableError } from '../../../src/playground/client/api-client.js';
import { BrightnessScorer, SolidColorGenerator } from '../../support/fake-ports.js';
import { freePort } from '../../support/spawn-server.js';

/** An SSE body delivered in the given chunks (how a network splits it is arbitrary). */
function sseResponse(chunks: readonly string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

async function collect(events: AsyncGenerator<GenerationEvent>): Promise<GenerationEvent[]> {
  const all: GenerationEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('ApiClient (the playground and CLI client)', () => {
  let temp: string;
  let client: ApiClient;
  const keys: (string | null)[] = [];

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-api-client-'));
    const app = createApp({
      generator: new SolidColorGenerator(),
      scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
      store: new FsBlobStore(temp),
    });
    client = new ApiClient({
      baseUrl: 'http://diffalign.test/',
      apiKey: () => 'da_0000000000000000_secret',
      fetch: async (input, init) => {
        keys.push(new Headers(init?.headers).get('authorization'));
        return app.request(String(input), init);
      },
    });
  });
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  describe('streamGeneration', () => {
    it('yields the events of a generation in order, the record last, each parsed, with the key sent as Bearer', async () => {
      // Act
      const events = await collect(client.streamGeneration({ prompt: 'a grey square', search: { budget: 3 }, width: 64, height: 64 }));
      // Assess
      expect(events[0]!.event).toBe('accepted');
      expect(events.at(-1)!.event).toBe('done');
      expect(events.filter((event) => event.event === 'candidate')).toHaveLength(3);
      expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1));
      const done = events.at(-1)!;
      if (done.event !== 'done') throw new Error('no done event');
      expect(done.data.candidates).toHaveLength(3);
      expect(keys.at(-1)).toBe('Bearer da_0000000000000000_secret');
    });

    it('throws ApiError with the problem (code and every invalid field) when the server refuses the request', async () => {
      // Act
      const refused = await collect(client.streamGeneration({ prompt: 'a cat', search: { budget: 0 } })).catch((error: unknown) => error);
      // Assess
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).status).toBe(422);
      expect((refused as ApiError).code).toBe('validation_failed');
      expect((refused as ApiError).problem.invalid_params?.map((param) => param.name)).toEqual(['search.budget']);
    });
  });

  it('reads the listing endpoint with its query and images as bytes', async () => {
    // Prepare
    const [done] = (await collect(client.streamGeneration({ prompt: 'another square', search: { budget: 1 }, width: 64, height: 64 }))).slice(-1);
    if (done?.event !== 'done') throw new Error('no done event');
    // Act
    const page = await client.listGenerations({ limit: 1 });
    const image = await client.image(done.data.best!.url!);
    // Assess
    expect(page.data.map((record) => record.id)).toEqual([done.data.id]);
    expect(typeof page.next_cursor).toBe('string');
    expect(image.type).toBe('image/png');
    expect(new Uint8Array(await image.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode('PNG'));
  });

  it('tells a server that does not answer (ServerUnreachableError, with the system code) from one that answers an error', async () => {
    // Prepare
    const nobody = new ApiClient({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    // Act
    const error = await nobody.getJson('/v1/models').catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(ServerUnreachableError);
    expect((error as Error).message).toMatch(/^no answer from http:\/\/127\.0\.0\.1:\d+\/v1\/models \(ECONNREFUSED\)$/);
  });

  it('makes a problem of an error answer that is not problem+json (a proxy page)', async () => {
    // Prepare
    const proxied = new ApiClient({ baseUrl: '', fetch: async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }) });
    // Act
    const error = (await proxied.getJson('/v1/models').catch((caught: unknown) => caught)) as ApiError;
    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error.problem).toEqual({ status: 502, detail: '<html>Bad gateway</html>' });
  });

  describe('readGenerationEvents', () => {
    it('parses events split anywhere across chunks, CRLF line ends and comments included, and skips unnamed ones', async () => {
      // Prepare
      const text =
        ': keep-alive\r\n\r\nevent: accepted\r\ndata: {"id":"01a233f0-7b34-76cf-8a1c-7df80ce7f71b","status":"running","location":"/v1/generations/01a233f0-7b34-76cf-8a1c-7df80ce7f71b"}\r\nid: 1\r\n\r\n' +
        'data: {"unnamed":true}\n\n' +
        'event: prompt\ndata: {"prompt":"a cat","source":"user","round":0}\nid: 2\n\n';
      const chunks = [text.slice(0, 7), text.slice(7, 50), text.slice(50, 51), text.slice(51, 180), text.slice(180)];
      // Act
      const events = await collect(readGenerationEvents(sseResponse(chunks)));
      // Assess
      expect(events).toEqual([
        { event: 'accepted', id: '1', data: { id: '01a233f0-7b34-76cf-8a1c-7df80ce7f71b', status: 'running', location: '/v1/generations/01a233f0-7b34-76cf-8a1c-7df80ce7f71b' } },
        { event: 'prompt', id: '2', data: { prompt: 'a cat', source: 'user', round: 0 } },
      ]);
    });

    it('reads a JSON answer (an idempotent replay) as one done event', async () => {
      // Act
      const events = await collect(readGenerationEvents(Response.json({ id: 'x', object: 'generation' })));
      // Assess
      expect(events).toEqual([{ event: 'done', id: '0', data: { id: 'x', object: 'generation' } }]);
    });
  });
});
