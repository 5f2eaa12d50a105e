import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import type { AppDeps } from '../../src/api/app-deps.js';
import { createApp } from '../../src/api/app.js';
import { ApiKeyStore } from '../../src/api/auth/index.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import type { GenerationWebhook } from '../../src/api/schemas/webhook-message.js';
import { newWebhookSecret, signWebhook, verifyWebhook, WebhookVerificationError } from '../../src/api/webhooks/standard-webhooks.js';
import { WebhookDispatcher } from '../../src/api/webhooks/webhook-dispatcher.js';
import { outboxKey, type OutboxMessage } from '../../src/api/webhooks/webhook-outbox.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { specValidator, withSpecValidation } from '../support/openapi-response-validator.js';

/** One request the receiver got: headers and the exact body. */
interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A real HTTP receiver on a random loopback port, answering each request with the next status of `statuses` (then the last one). */
async function startReceiver(statuses: readonly number[] = [200]): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])), body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)]!).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup(overrides: Partial<AppDeps> = {}) {
  const store = new FsBlobStore(await mkdtemp(join(tmpdir(), 'diffalign-webhooks-')));
  const secret = newWebhookSecret();
  const background: Promise<unknown>[] = [];
  const app = withSpecValidation(
    createApp({
      generator: new SolidColorGenerator(),
      scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
      store,
      waitUntil: (work) => background.push(work),
      webhooks: { secret, allowLoopbackHttp: true, policy: { retryBaseMs: 20, timeoutMs: 2000 } },
      ...overrides,
    }),
  );
  /** Waits for every delivery kept alive so far (and those they started). */
  const settled = async (): Promise<void> => {
    for (let seen = -1; seen !== background.length; ) {
      seen = background.length;
      await Promise.allSettled([...background]);
    }
  };
  const generate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.request('/v1/generations', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { app, store, secret, settled, generate };
}

describe('webhook signatures (Standard Webhooks, Web Crypto)', () => {
  it('signs so that the standardwebhooks package verifies, and verifies what that package signs', async () => {
    // Prepare
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'generation.completed', data: { id: 'x' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const theirs = new Webhook(secret).sign('msg_theirs', new Date(timestamp * 1000), body);
    // Act
    const ours = await signWebhook(secret, 'msg_ours', timestamp, body);
    const verifiedByThem = new Webhook(secret).verify(body, { 'webhook-id': 'msg_ours', 'webhook-timestamp': String(timestamp), 'webhook-signature': ours });
    const verifiedByUs = await verifyWebhook(secret, { 'webhook-id': 'msg_theirs', 'webhook-timestamp': String(timestamp), 'webhook-signature': theirs }, body);
    // Assess
    expect(ours).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(ours).not.toBe(theirs);
    expect(verifiedByThem).toEqual(JSON.parse(body));
    expect(verifiedByUs).toEqual(JSON.parse(body));
  });

  it('rejects a forged signature, another secret, a changed body and a stale timestamp, as the standardwebhooks package does', async () => {
    // Prepare
    const secret = newWebhookSecret();
    const body = '{"type":"generation.completed"}';
    const now = Math.floor(Date.now() / 1000);
    const signed = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': await signWebhook(secret, 'msg_1', now, body) };
    const stale = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now - 600), 'webhook-signature': await signWebhook(secret, 'msg_1', now - 600, body) };
    const forged = { ...signed, 'webhook-signature': 'v1,' + Buffer.alloc(32, 7).toString('base64') };
    const cases: [string, Record<string, string>, string][] = [
      [secret, forged, body],
      [newWebhookSecret(), signed, body],
      [secret, signed, body.replace('completed', 'best')],
      [secret, stale, body],
    ];
    // Act
    const ours = await Promise.all(cases.map(([key, headers, text]) => verifyWebhook(key, headers, text).then(() => 'accepted', (error: unknown) => (error as WebhookVerificationError).code)));
    const theirs = cases.map(([key, headers, text]) => {
      try {
        new Webhook(key).verify(text, headers);
        return 'accepted';
      } catch {
        return 'rejected';
      }
    });
    // Assess
    expect(ours).toEqual(['invalid_signature', 'invalid_signature', 'invalid_signature', 'timestamp_out_of_tolerance']);
    expect(theirs).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  });
});

describe('webhooks of generations (a real HTTP receiver on loopback)', () => {
  it('POSTs the completed record and each new best, signed so that the standardwebhooks package verifies them, and shows the deliveries on the record', async () => {
    // Prepare
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { app, secret, settled, generate } = await setup();
    // Act
    const response = await generate({ prompt: 'a photo of a red apple', seed: 3, search: { budget: 4 }, webhook_url: receiver.url, webhook_events: ['completed', 'best'] });
    const record = (await response.json()) as GenerationRecord;
    await settled();
    const after = (await (await app.request(`/v1/generations/${record.id}`)).json()) as GenerationRecord;
    // Assess
    expect(response.status).toBe(200);
    expect(record.webhook).toEqual({ url: receiver.url, events: ['completed', 'best'], signing_key_id: null });
    const messages = receiver.received.map((message) => new Webhook(secret).verify(message.body, message.headers) as GenerationWebhook);
    const completed = messages.filter((message) => message.type === 'generation.completed');
    const best = messages.filter((message) => message.type === 'generation.best');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data.id).toBe(record.id);
    expect(completed[0]!.data.status).toBe('succeeded');
    expect(best.length).toBeGreaterThanOrEqual(1);
    for (const message of messages) specValidator().check('webhook body', '#/components/schemas/GenerationWebhook', message);
    expect(new Set(receiver.received.map((message) => message.headers['webhook-id'])).size).toBe(receiver.received.length);
    expect(after.webhook_deliveries).toHaveLength(receiver.received.length);
    for (const delivery of after.webhook_deliveries!) expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, delivered_at: expect.any(String) });
    expect(after.webhook_deliveries!.find((delivery) => delivery.event === 'completed')!.id).toBe(`msg_${record.id.replaceAll('-', '')}_done`);
  });

  it('retries a failing receiver with backoff under the same webhook-id until a 2xx, stops at 410, and gives up after the attempts', async () => {
    // Prepare
    const flaky = await startReceiver([500, 503, 204]);
    const gone = await startReceiver([410]);
    const down = await startReceiver([500]);
    closers.push(flaky.close, gone.close, down.close);
    const { app, settled, generate } = await setup({ webhooks: { secret: newWebhookSecret(), allowLoopbackHttp: true, policy: { attempts: 3, retryBaseMs: 20 } } });
    // Act
    const ids: string[] = [];
    for (const url of [flaky.url, gone.url, down.url]) ids.push(((await (await generate({ prompt: 'a cat', search: { budget: 1 }, webhook_url: url })).json()) as GenerationRecord).id);
    await settled();
    const deliveries = await Promise.all(ids.map(async (id) => ((await (await app.request(`/v1/generations/${id}`)).json()) as GenerationRecord).webhook_deliveries));
    // Assess
    expect(flaky.received.map((message) => message.headers['webhook-id'])).toEqual(Array(3).fill(`msg_${ids[0]!.replaceAll('-', '')}_done`));
    expect(new Set(flaky.received.map((message) => message.body)).size).toBe(1);
    expect(deliveries[0]).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3, last_status_code: 204 })]);
    expect(gone.received).toHaveLength(1);
    expect(deliveries[1]).toEqual([expect.objectContaining({ status: 'gone', attempts: 1, last_status_code: 410, delivered_at: null })]);
    expect(down.received).toHaveLength(3);
    expect(deliveries[2]).toEqual([expect.objectContaining({ status: 'failed', attempts: 3, last_status_code: 500, delivered_at: null })]);
  });

  it("signs a keyed tenant's deliveries with its API key's webhook secret", async () => {
    // Prepare
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { store, settled, generate } = await setup({ auth: { cacheTtlMs: 0 } });
    const { key, document } = await new ApiKeyStore(store).create({ tenant: 'acme' });
    // Act
    const response = await generate({ prompt: 'a dog', search: { budget: 1 }, webhook_url: receiver.url }, { authorization: `Bearer ${key}` });
    const record = (await response.json()) as GenerationRecord;
    await settled();
    // Assess
    expect(record.webhook?.signing_key_id).toBe(document.key_id);
    expect(receiver.received).toHaveLength(1);
    expect(new Webhook(document.webhook_secret!).verify(receiver.received[0]!.body, receiver.received[0]!.headers)).toMatchObject({ type: 'generation.completed', data: { id: record.id } });
  });

  it('refuses webhook targets it must not call, and a webhook without a signing secret, with 422 and nothing written', async () => {
    // Prepare
    const { generate, app } = await setup({ webhooks: { secret: newWebhookSecret(), allowLoopbackHttp: false } });
    const { generate: withoutSecret } = await setup({ webhooks: { allowLoopbackHttp: true } });
    const bodies = ['http://example.com/hook', 'ftp://example.com/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest', 'https://localhost/hook', 'https://user:pass@example.com/hook', 'http://127.0.0.1:9/hook'].map((url) => ({ prompt: 'a cat', webhook_url: url }));
    // Act
    const refused = await Promise.all(
      [...bodies.map((body) => generate(body)), generate({ prompt: 'a cat', webhook_events: ['best'] }), withoutSecret({ prompt: 'a cat', webhook_url: 'http://127.0.0.1:9/hook' })].map(async (answer) => {
        const response = await answer;
        const problem = (await response.json()) as { code: string; invalid_params: { name: string }[] };
        return [response.status, problem.code, problem.invalid_params[0]?.name];
      }),
    );
    const listed = (await (await app.request('/v1/generations')).json()) as { data: unknown[] };
    // Assess
    expect(refused).toEqual([...Array(7).fill([422, 'validation_failed', 'webhook_url']), [422, 'validation_failed', 'webhook_events'], [422, 'validation_failed', 'webhook_url']]);
    expect(listed.data).toEqual([]);
  });

  it('sends, after a restart, a message a stopped process left pending in the outbox (once its hold has passed)', async () => {
    // Prepare: the outbox as a process that made one failed attempt and then stopped leaves it
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { store, secret, generate, settled } = await setup();
    const record = (await (await generate({ prompt: 'a cat', search: { budget: 1 } })).json()) as GenerationRecord;
    await settled();
    const body = JSON.stringify({ type: 'generation.completed', timestamp: new Date().toISOString(), data: record });
    const left: OutboxMessage = { id: 'msg_left_done', tenant: 'default', generation_id: record.id, event: 'completed', url: receiver.url, signing_key_id: null, body, attempts: 1, last_status_code: null, lease_until: Date.now() + 300 };
    await store.put(outboxKey('default', left.id), new TextEncoder().encode(JSON.stringify(left)), { contentType: 'application/json' });
    const restarted = new WebhookDispatcher({ store: new FsBlobStore(store.root), secretOf: async () => secret, policy: { retryBaseMs: 1 } });
    // Act
    const pending = await restarted.resume();
    for (let waited = 0; receiver.received.length === 0 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Assess
    expect(pending).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(new Webhook(secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers)).toMatchObject({ data: { id: record.id } });
    expect(await store.list('webhook-outbox/')).toEqual([]);
  });
});
