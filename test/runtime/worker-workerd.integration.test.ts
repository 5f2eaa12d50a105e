import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { bundleRuntime } from '../../src/runtime/runtime-bundles.js';
import { checkedResponse } from '../support/openapi-response-validator.js';
import { reproducible } from '../support/reproducible-record.js';
import { finalRecord, jsonPost, PARITY_GENERATION, type ParityWorld, startParityWorld } from '../support/runtime-parity.js';
import { parseSse } from '../support/sse.js';

/** The newest date this workerd (miniflare 3's) supports, without nodejs_compat: the app needs no Node API. */
const COMPATIBILITY_DATE = '2025-07-01';
const WORKER_ORIGIN = 'https://diffalign.example.workers.dev';

/**
 * A response miniflare answered (undici's, from another copy of the fetch classes), as this process's
 * Response with the body read, checked against openapi.yaml.
 */
async function settled(method: string, path: string, response: { status: number; headers: Iterable<[string, string]>; arrayBuffer(): Promise<ArrayBuffer> }): Promise<Response> {
  const body = response.status === 204 || response.status === 304 ? null : await response.arrayBuffer();
  return checkedResponse(method, path, new Response(body, { status: response.status, headers: new Headers([...response.headers]) }));
}

describe('the Workers entry in real workerd (miniflare), on s3rver and the SageMaker emulator, answers as the Node server', () => {
  let world: ParityWorld;
  let worker: Miniflare;
  let bundleBytes = 0;

  const request = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> =>
    settled(init.method ?? 'GET', path, await worker.dispatchFetch(`${WORKER_ORIGIN}${path}`, init));

  beforeAll(async () => {
    world = await startParityWorld({ bucket: 'diffalign-workerd' });
    const bundle = await bundleRuntime('worker');
    bundleBytes = bundle.bytes;
    worker = new Miniflare({
      modules: true,
      script: bundle.code,
      compatibilityDate: COMPATIBILITY_DATE,
      // plain-text vars, as `[vars]` in wrangler.toml; workerd reaches s3rver and the emulator on 127.0.0.1
      bindings: { ...world.env, DIFFALIGN_S3_PREFIX: 'worker/' },
    });
    await worker.ready;
  });

  afterAll(async () => {
    await worker?.dispose();
    await world?.close();
  });

  it('serves a synchronous generation end to end with the Node server\'s record, and the same image bytes', async () => {
    // Act
    const created = await request('/v1/generations', jsonPost(PARITY_GENERATION));
    const record = (await created.json()) as GenerationRecord;
    const node = (await (await fetch(`${world.nodeUrl}/v1/generations`, jsonPost(PARITY_GENERATION))).json()) as GenerationRecord;
    const read = await request(`/v1/generations/${record.id}`);
    const image = await request(record.best!.url!);
    const nodeImage = await fetch(`${world.nodeUrl}${node.best!.url!}`);
    // Assess
    expect(bundleBytes).toBeGreaterThan(0);
    expect(created.status).toBe(200);
    expect(created.headers.get('location')).toBe(`/v1/generations/${record.id}`);
    expect(record.status).toBe('succeeded');
    expect(reproducible(record)).toEqual(reproducible(node));
    expect(await read.json()).toEqual(record);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('etag')).toBe(nodeImage.headers.get('etag'));
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(new Uint8Array(await nodeImage.arrayBuffer()));
  });

  it('streams a generation as server-sent events from workerd as they happen, with the Node server\'s events and done record', async () => {
    // Act
    const started = performance.now();
    const response = await worker.dispatchFetch(`${WORKER_ORIGIN}/v1/generations`, jsonPost(PARITY_GENERATION, { accept: 'text/event-stream' }));
    const reader = response.body!.getReader();
    const chunkTimes: number[] = [];
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunkTimes.push(performance.now() - started);
      text += decoder.decode(value, { stream: true });
    }
    const total = performance.now() - started;
    const events = parseSse(text);
    const nodeEvents = parseSse(await (await fetch(`${world.nodeUrl}/v1/generations`, jsonPost(PARITY_GENERATION, { accept: 'text/event-stream' }))).text());
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(events.map((event) => event.event)).toEqual(nodeEvents.map((event) => event.event));
    expect(events.map((event) => event.id)).toEqual(nodeEvents.map((event) => event.id));
    expect(reproducible(events.at(-1)!.data as GenerationRecord)).toEqual(reproducible(nodeEvents.at(-1)!.data as GenerationRecord));
    // streamed: the first events arrived long before the last (workerd may join events written close together)
    expect(chunkTimes.length).toBeGreaterThanOrEqual(2);
    expect(chunkTimes[0]!).toBeLessThan(total / 2);
  });

  it('runs a respond-async generation in the isolate under ctx.waitUntil to the Node server\'s record', async () => {
    // Act
    const accepted = await request('/v1/generations', jsonPost(PARITY_GENERATION, { prefer: 'respond-async' }));
    const queued = (await accepted.json()) as GenerationRecord;
    const final = await finalRecord(() => request(`/v1/generations/${queued.id}`));
    const nodeQueued = (await (await fetch(`${world.nodeUrl}/v1/generations`, jsonPost(PARITY_GENERATION, { prefer: 'respond-async' }))).json()) as GenerationRecord;
    const nodeFinal = await finalRecord(() => fetch(`${world.nodeUrl}/v1/generations/${nodeQueued.id}`));
    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('preference-applied')).toBe('respond-async');
    expect(queued.status).toBe('queued');
    expect(final.status).toBe('succeeded');
    expect(reproducible(final)).toEqual(reproducible(nodeFinal));
  });

  it('answers problem+json from workerd for bad input, and health and models as the Node server', async () => {
    // Act
    const invalid = await request('/v1/generations', jsonPost({ prompt: '' }));
    const health = await request('/healthz');
    const models = await request('/v1/models');
    const nodeModels = await fetch(`${world.nodeUrl}/v1/models`);
    // Assess
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toBe('application/problem+json');
    expect(((await invalid.json()) as { code: string }).code).toBe('validation_failed');
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await models.json()).toEqual(await nodeModels.json());
  });
});
