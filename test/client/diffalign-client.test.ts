import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { createApp } from '../../src/api/app.js';
import { createDiffalignClient, DiffalignApiError, type GenerationEvent } from '../../src/client/index.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

async function appFetch() {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-client-')));
  const app = withSpecValidation(createApp({ generator: new SolidColorGenerator(), scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } }, store, heartbeatMs: 50 }));
  const seen: { method: string; path: string; headers: Headers }[] = [];
  const served = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    seen.push({ method: request.method, path: new URL(request.url).pathname, headers: request.headers });
    return app.request(request);
  };
  return { served, seen };
}

describe('createDiffalignClient', () => {
  it('retries a call whose answer was lost with the same Idempotency-Key, so the server generates once and replays', async () => {
    // Prepare: the first attempt reaches the server, then its answer is lost; the next attempt is answered 503 with Retry-After
    const { served, seen } = await appFetch();
    let attempt = 0;
    const flaky = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      attempt += 1;
      if (attempt === 1) {
        await served(input, init);
        throw new TypeError('fetch failed: socket hang up');
      }
      if (attempt === 2) return new Response('{}', { status: 503, headers: { 'retry-after': '0', 'content-type': 'application/problem+json' } });
      return served(input, init);
    };
    const client = createDiffalignClient({ baseUrl: 'http://diffalign.test', fetch: flaky, retry: { baseDelayMs: 1 } });
    // Act
    const record = await client.generate({ prompt: 'a photo of a red apple', search: { budget: 2 } });
    const listed = [];
    for await (const page of client.list()) listed.push(...page.data);
    // Assess
    const posts = seen.filter((request) => request.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0]!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1]!.headers.get('idempotency-key')).toBe(posts[0]!.headers.get('idempotency-key'));
    expect(listed.map((item) => item.id)).toEqual([record.id]);
  });

  it('throws DiffalignApiError with the problem of a refused request, without retrying it', async () => {
    // Prepare
    const { served, seen } = await appFetch();
    const client = createDiffalignClient({ baseUrl: 'http://diffalign.test', fetch: served });
    // Act
    const error = await client.generate({ prompt: 'a cat', search: { budget: 999 } }).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(DiffalignApiError);
    expect((error as DiffalignApiError).status).toBe(422);
    expect((error as DiffalignApiError).code).toBe('validation_failed');
    expect(seen).toHaveLength(1);
  });

  it('resumes a stream that dropped after a few events from /events with Last-Event-ID: every event once, in order, through done', async () => {
    // Prepare: the first answer's body is cut after its third event
    const { served, seen } = await appFetch();
    const cutting = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
      const response = await served(input, init);
      if (method !== 'POST') return response;
      let events = 0;
      const reader = response.body!.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          controller.enqueue(value);
          events += new TextDecoder().decode(value).split('\n\n').length - 1;
          if (events >= 3) {
            await reader.cancel();
            controller.error(new TypeError('network connection lost'));
          }
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const client = createDiffalignClient({ baseUrl: 'http://diffalign.test', fetch: cutting });
    // Act
    const events: GenerationEvent[] = [];
    for await (const event of client.stream({ prompt: 'a photo of a red apple', search: { budget: 4 } })) events.push(event);
    // Assess
    const ids = events.map((event) => Number(event.id));
    expect(ids).toEqual(ids.map((_, index) => index + 1));
    expect(events[0]!.event).toBe('accepted');
    expect(events.at(-1)!.event).toBe('done');
    const resumed = seen.find((request) => request.path.endsWith('/events'));
    expect(resumed?.headers.get('last-event-id')).toBe(String(ids[2]));
  });

  it('waits for a submitted generation by polling until it has ended', async () => {
    // Prepare
    const { served, seen } = await appFetch();
    const client = createDiffalignClient({ baseUrl: 'http://diffalign.test', fetch: served });
    // Act
    const queued = await client.submit({ prompt: 'a dog', search: { budget: 3 } });
    const done = await client.wait(queued, { intervalMs: 10 });
    // Assess
    expect(queued.status).toBe('queued');
    expect(done.status).toBe('succeeded');
    expect(done.id).toBe(queued.id);
    expect(seen.filter((request) => request.method === 'GET').length).toBeGreaterThanOrEqual(1);
  });
});
