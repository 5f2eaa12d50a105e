import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { StoredFeedbackEvent } from '../../src/api/schemas/feedback.js';
import type { CandidateRecord, GenerationRecord } from '../../src/api/schemas/generation-record.js';
import type { Blob, BlobInfo, BlobStore, ListPage, ListPageOptions, PutOptions } from '../../src/ports/blob-store.js';
import { erasureKey, feedbackBatchKey } from '../../src/records/generation-layout.js';
import { GenerationStore } from '../../src/records/generation-store.js';
import { newUuidV7 } from '../../src/records/uuid-v7.js';

const encoder = new TextEncoder();

/** A BlobStore in memory that is not the fs store, so the harvest stages through the port (like S3). */
export class MemoryBlobStore implements BlobStore {
  readonly provider = 'memory';
  readonly objects = new Map<string, Uint8Array>();

  async get(key: string): Promise<Blob | null> {
    const body = this.objects.get(key);
    return body ? { body, contentType: 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('hex')}"` } : null;
  }

  async head(key: string): Promise<BlobInfo | null> {
    const blob = await this.get(key);
    return blob ? { etag: blob.etag, contentType: blob.contentType, size: blob.body.byteLength } : null;
  }

  async put(key: string, body: Uint8Array, _options: PutOptions): Promise<{ etag: string }> {
    this.objects.set(key, body);
    return { etag: `"${createHash('sha256').update(body).digest('hex')}"` };
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  async listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    const keys = (await this.list(prefix)).filter((key) => options.cursor === undefined || key > options.cursor);
    const page = keys.slice(0, options.limit ?? 1000);
    return page.length < keys.length ? { keys: page, cursor: page[page.length - 1]! } : { keys: page };
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

/** A deterministic UUIDv7 at a time, with the given last byte (so tests can order ids). */
export function uuidAt(isoTime: string, tag: number): string {
  return newUuidV7(Date.parse(isoTime), new Uint8Array(16).fill(tag));
}

/** A feedback event as the server stores it (defaults: consented, user alice, tenant default). */
export function storedEvent(receivedAt: string, tag: number, fields: Partial<StoredFeedbackEvent> & Pick<StoredFeedbackEvent, 'type' | 'generation_id'>): StoredFeedbackEvent {
  return { consent: true, app_user: 'alice', event_id: uuidAt(receivedAt, tag), received_at: receivedAt, tenant: 'default', ...fields };
}

/** Writes one feedback batch (one NDJSON object) where `POST /v1/feedback` writes it; returns its key. */
export async function putFeedbackBatch(store: BlobStore, events: readonly StoredFeedbackEvent[], batchId: string, tenant = 'default'): Promise<string> {
  const key = feedbackBatchKey(tenant, new Date(events[0]!.received_at), batchId);
  await store.put(key, encoder.encode(events.map((line) => `${JSON.stringify(line)}\n`).join('')), { contentType: 'application/x-ndjson' });
  return key;
}

/** Writes an erasure tombstone for an app user. */
export async function putTombstone(store: BlobStore, appUser: string, erasureId: string, tenant = 'default'): Promise<void> {
  const tombstone = { tenant, app_user: appUser, requested_at: '2024-05-02T00:00:00.000Z', erasure_id: erasureId };
  await store.put(erasureKey(tenant, erasureId), encoder.encode(`${JSON.stringify(tombstone)}\n`), { contentType: 'application/json' });
}

/** A candidate of a stored record: scored with `reward`, single-seed recipe (seed 1000 + its number), 20 steps, guidance 5. */
export function recordCandidate(index: number, reward: number | null, overrides: Partial<CandidateRecord> = {}): CandidateRecord {
  const id = `c${String(index).padStart(3, '0')}`;
  return {
    id,
    status: reward === null ? 'failed' : 'scored',
    prompt: `final prompt ${id}`,
    noise: { terms: [{ seed: 1000 + index, weight: 1 }] },
    steps: 20,
    guidance: 5,
    width: 16,
    height: 16,
    phase: 'search',
    round: 0,
    scores: reward === null ? {} : { geneval: reward },
    reward,
    nfe: 20,
    media_type: 'image/png',
    ...(reward === null ? { error: { code: 'upstream_failed', message: 'boom' } } : {}),
    ...overrides,
  };
}

/** A complete stored generation record. */
export function generationRecord(id: string, prompt: string, candidates: readonly CandidateRecord[], appUser: string | null): GenerationRecord {
  const best = candidates.filter((c) => c.reward !== null).sort((a, b) => b.reward! - a.reward!)[0] ?? null;
  return {
    id,
    object: 'generation',
    status: 'succeeded',
    prompt,
    final_prompt: best?.prompt ?? null,
    best,
    images: best ? [best] : [],
    candidates: [...candidates],
    trace: [],
    usage: null,
    truncated: false,
    warnings: [],
    request: {
      prompt,
      n: 1,
      width: 16,
      height: 16,
      steps: 1,
      guidance: 0,
      seed: 0,
      prompt_optimization: { method: 'none', mode: 'off', rounds: 1, candidates: 1, noises: 1 },
      search: { method: 'best_of_n', budget: candidates.length, search_steps: 1, neighbors: 1, cosine: 0.95, on_stall: 'restart' },
      rewards: [],
      aggregate: 'rank',
    },
    ...(appUser !== null ? { metadata: { app_user: appUser } } : {}),
    created_at: new Date(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toISOString(),
    completed_at: null,
  };
}

/** A solid-colour PNG (real, decodable bytes); `shade` picks the colour. */
export async function solidPng(shade: number, size = 16): Promise<Uint8Array> {
  const background = { r: (shade * 53) % 256, g: (shade * 97) % 256, b: (shade * 193) % 256 };
  return new Uint8Array(await sharp({ create: { width: size, height: size, channels: 3, background } }).png().toBuffer());
}

/** Stores a record (through `GenerationStore`, as the server does) and a PNG for every candidate that did not fail. */
export async function putGeneration(store: BlobStore, record: GenerationRecord, tenant = 'default'): Promise<void> {
  const generations = new GenerationStore<GenerationRecord>(store, tenant);
  await generations.save({ record, events: [] });
  for (const candidate of record.candidates) {
    if (candidate.status !== 'failed') await generations.saveImage(record.id, candidate.id, await solidPng(Number.parseInt(candidate.id.slice(1), 10) + record.id.charCodeAt(35)), 'image/png');
  }
}
