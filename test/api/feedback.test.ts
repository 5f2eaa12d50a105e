import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { createApp } from '../../src/api/app.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { BrightnessScorer, SolidColorGenerator } from '../support/fake-ports.js';
import { withSpecValidation } from '../support/openapi-response-validator.js';

async function setup() {
  const root = await mkdtemp(join(tmpdir(), 'diffalign-feedback-'));
  const app = withSpecValidation(
    createApp({
      generator: new SolidColorGenerator(),
      scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
      store: new FsBlobStore(root),
      tenant: 'acme',
    }),
  );
  const response = await app.request('/v1/generations', postJson({ prompt: 'a photo of a red apple', seed: 3, search: { budget: 3 } }));
  const record = (await response.json()) as GenerationRecord;
  return { app, root, record };
}

const postJson = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function feedbackFiles(root: string): Promise<string[]> {
  try {
    return (await readdir(join(root, 'feedback'), { recursive: true })).filter((name) => name.endsWith('.ndjson'));
  } catch {
    return [];
  }
}

describe('POST /v1/feedback', () => {
  it('answers 202 with the event ids only after writing the batch as one NDJSON object in its Hive partition', async () => {
    // Prepare
    const { app, root, record } = await setup();
    const events = [
      { type: 'impression', generation_id: record.id, candidate_id: 'c000', app_user: 'u-1', consent: true },
      { type: 'download', generation_id: record.id, candidate_id: 'c001', app_user: 'u-1', consent: true, client_event_id: 'e-7' },
      { type: 'compare', generation_id: record.id, candidate_ids: ['c000', 'c002'], choice: 'tie', consent: true },
      { type: 'rate', generation_id: record.id, candidate_id: 'c002', rating: 4 },
    ];
    // Act
    const response = await app.request('/v1/feedback', postJson({ events }));
    const answer = (await response.json()) as { accepted: number; event_ids: string[]; batch_id: string };
    // Assess
    expect(response.status).toBe(202);
    expect(answer.accepted).toBe(4);
    const files = await feedbackFiles(root);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^tenant=acme\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/[0-9a-f-]{36}\.ndjson$/);
    const lines = (await readFile(join(root, 'feedback', files[0]!), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line['event_id'])).toEqual(answer.event_ids);
    expect(lines.map((line) => line['type'])).toEqual(['impression', 'download', 'compare', 'rate']);
    expect(lines[3]).toMatchObject({ consent: false, tenant: 'acme', rating: 4 });
    expect(lines.every((line) => typeof line['received_at'] === 'string')).toBe(true);
  });

  it.each([
    ['an unknown generation', { type: 'select', generation_id: '01900000-0000-7000-8000-000000000000', candidate_id: 'c000' }, 'events.0.generation_id'],
    ['an unknown candidate', 'unknown-candidate', 'events.0.candidate_id'],
    ['a select without a candidate', 'no-candidate', 'events.0.candidate_id'],
    ['a rating outside 1-5', 'bad-rating', 'events.0.rating'],
    ['a compare whose choice is not one of the two', 'bad-choice', 'events.0.choice'],
    ['an unknown event type', 'bad-type', 'events.0.type'],
  ])('refuses %s with a 422 naming it, and writes nothing', async (_name, event, field) => {
    // Prepare
    const { app, root, record } = await setup();
    const events: Record<string, unknown> = {
      'unknown-candidate': { type: 'select', generation_id: record.id, candidate_id: 'c099' },
      'no-candidate': { type: 'select', generation_id: record.id },
      'bad-rating': { type: 'rate', generation_id: record.id, candidate_id: 'c000', rating: 6 },
      'bad-choice': { type: 'compare', generation_id: record.id, candidate_ids: ['c000', 'c001'], choice: 'c002' },
      'bad-type': { type: 'like', generation_id: record.id, candidate_id: 'c000' },
    };
    const body = { events: [typeof event === 'string' ? events[event] : event] };
    // Act
    const response = await app.request('/v1/feedback', postJson(body));
    const problem = (await response.json()) as { code: string; invalid_params: { name: string }[] };
    // Assess
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(problem.invalid_params.map((param) => param.name)).toContain(field);
    expect(await feedbackFiles(root)).toEqual([]);
  });

  it("does not accept feedback about another tenant's generation", async () => {
    // Prepare
    const { record, root } = await setup();
    const other = withSpecValidation(
      createApp({
        generator: new SolidColorGenerator(),
        scorers: { brightness: { scorer: new BrightnessScorer(), calibration: { mean: 0.5, std: 0.25 } } },
        store: new FsBlobStore(root),
        tenant: 'other',
      }),
    );
    // Act
    const response = await other.request('/v1/feedback', postJson({ events: [{ type: 'select', generation_id: record.id, candidate_id: 'c000' }] }));
    // Assess
    expect(response.status).toBe(422);
    expect(await feedbackFiles(root)).toEqual([]);
  });
});

describe('DELETE /v1/generations/{id} and POST /v1/erasures', () => {
  it('deletes the record and its images', async () => {
    // Prepare
    const { app, record } = await setup();
    // Act
    const response = await app.request(`/v1/generations/${record.id}`, { method: 'DELETE' });
    // Assess
    expect(response.status).toBe(204);
    expect((await app.request(`/v1/generations/${record.id}`)).status).toBe(404);
    expect((await app.request(record.best!.url!)).status).toBe(404);
    expect((await app.request(`/v1/generations/${record.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('writes an erasure tombstone for an app user', async () => {
    // Prepare
    const { app, root } = await setup();
    // Act
    const response = await app.request('/v1/erasures', postJson({ app_user: 'u-1' }));
    const answer = (await response.json()) as { erasure_id: string; app_user: string };
    // Assess
    expect(response.status).toBe(202);
    const tombstone = JSON.parse(await readFile(join(root, 'erasures', 'tenant=acme', `${answer.erasure_id}.json`), 'utf8')) as { app_user: string };
    expect(tombstone.app_user).toBe('u-1');
  });
});
