import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { createApp } from '../../src/api/app.js';
import { ApiKeyStore } from '../../src/api/auth/index.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { harvest } from '../../src/harvest/index.js';
import type { GeneratorV1 } from '../../src/ports/generator.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';
import { GatedGenerator } from '../support/gated-generator.js';

async function setup(generator: GeneratorV1 = new SolidColorGenerator()) {
  const dataDir = await mkdtemp(join(tmpdir(), 'diffalign-tenants-'));
  const store = new FsBlobStore(dataDir);
  const keys = new ApiKeyStore(store);
  const acme = (await keys.create({ tenant: 'acme' })).key;
  const globex = (await keys.create({ tenant: 'globex' })).key;
  const background: Promise<unknown>[] = [];
  const app = withSpecValidation(createApp({
    generator,
    scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
    store,
    auth: { cacheTtlMs: 0 },
    heartbeatMs: 50,
    waitUntil: (work) => background.push(work),
  }));
  const as = (key: string) => ({
    get: (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } }),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
    delete: (path: string) => app.request(path, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } }),
  });
  return { store, dataDir, acme: as(acme), globex: as(globex), background };
}

async function codeOf(response: Response): Promise<[number, unknown]> {
  return [response.status, ((await response.json()) as { code?: unknown }).code];
}

describe('tenant isolation (two API keys of two tenants on one store)', () => {
  it("files a tenant's generation under generations/<tenant>/ and answers another tenant's reads of it as 404", async () => {
    // Prepare
    const { store, acme, globex } = await setup();
    const created = await acme.post('/v1/generations', { prompt: 'a photo of a red apple', search: { budget: 2 } });
    const record = (await created.json()) as GenerationRecord;
    expect(created.status).toBe(200);
    const image = `/v1/generations/${record.id}/candidates/${record.best!.id}`;
    // Act
    const foreign = [
      await codeOf(await globex.get(`/v1/generations/${record.id}`)),
      await codeOf(await globex.get(image)),
      await codeOf(await globex.get(`/v1/generations/${record.id}/events`)),
      await codeOf(await globex.post(`/v1/generations/${record.id}/cancel`, {})),
      await codeOf(await globex.delete(`/v1/generations/${record.id}`)),
    ];
    // Assess
    expect(foreign).toEqual(Array(5).fill([404, 'not_found']));
    expect((await store.list('generations/')).every((key) => key.startsWith('generations/acme/'))).toBe(true);
    expect((await acme.get(`/v1/generations/${record.id}`)).status).toBe(200);
    expect((await acme.get(image)).headers.get('content-type')).toBe('image/png');
    expect((await acme.get(`/v1/generations/${record.id}/events`)).headers.get('content-type')).toContain('text/event-stream');
  });

  it("answers another tenant's reads, events and cancel of a generation still running as 404, and leaves it running", async () => {
    // Prepare
    const generator = new GatedGenerator();
    const { acme, globex, background } = await setup(generator);
    const accepted = await acme.post('/v1/generations', { prompt: 'a photo of a red apple', search: { budget: 2 } }, { prefer: 'respond-async' });
    const { id } = (await accepted.json()) as GenerationRecord;
    expect(accepted.status).toBe(202);
    // Act
    const foreign = [
      await codeOf(await globex.get(`/v1/generations/${id}`)),
      await codeOf(await globex.get(`/v1/generations/${id}/events`)),
      await codeOf(await globex.post(`/v1/generations/${id}/cancel`, {})),
      await codeOf(await globex.delete(`/v1/generations/${id}`)),
    ];
    generator.open();
    await Promise.all(background);
    // Assess
    expect(foreign).toEqual(Array(4).fill([404, 'not_found']));
    const final = (await (await acme.get(`/v1/generations/${id}`)).json()) as GenerationRecord;
    expect(final.status).toBe('succeeded');
  });

  it("refuses feedback about another tenant's generation exactly as about one that does not exist, and writes nothing", async () => {
    // Prepare
    const { store, acme, globex } = await setup();
    const record = (await (await acme.post('/v1/generations', { prompt: 'a cat', search: { budget: 2 } })).json()) as GenerationRecord;
    const about = (generationId: string) => ({ events: [{ type: 'select', generation_id: generationId, candidate_id: 'c000', consent: true }] });
    // Act
    const foreign = await globex.post('/v1/feedback', about(record.id));
    const missing = await globex.post('/v1/feedback', about('0190a0a0-0000-7000-8000-000000000000'));
    // Assess
    const [foreignBody, missingBody] = [(await foreign.json()) as Record<string, unknown>, (await missing.json()) as Record<string, unknown>];
    expect([foreign.status, foreignBody.code]).toEqual([missing.status, missingBody.code]);
    expect(foreign.status).toBe(422);
    expect(await store.list('feedback/')).toEqual([]);
    expect((await acme.post('/v1/feedback', about(record.id))).status).toBe(202);
    expect((await store.list('feedback/')).every((key) => key.startsWith('feedback/tenant=acme/'))).toBe(true);
  });

  it('keeps Idempotency-Keys per tenant: the same key and body from another tenant runs anew instead of replaying', async () => {
    // Prepare
    const { acme, globex } = await setup();
    const body = { prompt: 'a photo of a red apple', seed: 3, search: { budget: 2 } };
    const first = await acme.post('/v1/generations', body, { 'idempotency-key': 'order-1' });
    // Act
    const replay = await acme.post('/v1/generations', body, { 'idempotency-key': 'order-1' });
    const other = await globex.post('/v1/generations', body, { 'idempotency-key': 'order-1' });
    // Assess
    const [firstRecord, otherRecord] = [(await first.json()) as GenerationRecord, (await other.json()) as GenerationRecord];
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as GenerationRecord).id).toBe(firstRecord.id);
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(otherRecord.id).not.toBe(firstRecord.id);
    expect((await globex.get(`/v1/generations/${otherRecord.id}`)).status).toBe(200);
    expect((await globex.get(`/v1/generations/${firstRecord.id}`)).status).toBe(404);
  });

  it("files an erasure under the requesting tenant, and a harvest of one tenant reads only that tenant's feedback", async () => {
    // Prepare
    const { store, acme, globex } = await setup();
    const feedbackOf = async (client: typeof acme, prompt: string, events: number): Promise<void> => {
      const record = (await (await client.post('/v1/generations', { prompt, search: { budget: 2 } })).json()) as GenerationRecord;
      const batch = Array.from({ length: events }, () => ({ type: 'impression', generation_id: record.id, candidate_id: 'c000', app_user: 'u-1', consent: true }));
      expect((await client.post('/v1/feedback', { events: batch })).status).toBe(202);
    };
    await feedbackOf(acme, 'a red apple', 2);
    await feedbackOf(globex, 'a blue car', 5);
    // Act
    const erasure = await globex.post('/v1/erasures', { app_user: 'u-1' });
    const harvested = await harvest({ store, tenant: 'acme', out: await mkdtemp(join(tmpdir(), 'diffalign-tenants-out-')), includeAiFeedback: false });
    // Assess
    expect(erasure.status).toBe(202);
    expect(((await erasure.json()) as { tenant: string }).tenant).toBe('globex');
    expect((await store.list('erasures/')).every((key) => key.startsWith('erasures/tenant=globex/'))).toBe(true);
    expect(harvested.manifest.tenant).toBe('acme');
    expect(harvested.manifest.counts.events.read).toBe(2);
    expect(harvested.manifest.counts.events.erased_user).toBe(0);
  });
});
