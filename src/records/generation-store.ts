import type { Blob, BlobStore } from '../ports/blob-store.js';
import { candidateImageKey, generationCancelKey, generationPrefix, generationRecordKey } from './generation-layout.js';
import type { GenerationEventEntry } from './generation-event-log.js';
import type { InstanceRef } from './instance-liveness.js';
import { CorruptRecordError } from './corrupt-record-error.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const IMAGE_NAME = /^(c\d{3,6})\.(png|jpg|webp)$/;

/**
 * A generation as stored in `record.json`: the record's own fields, plus while it runs the process
 * instance that owns it (`owner`), and its event log (`event_log`, the SSE events in order, compact), from
 * which any process can replay or resume the generation's event stream. Neither is part of the API record.
 */
export interface StoredGeneration<TRecord> {
  readonly record: TRecord;
  readonly owner?: InstanceRef;
  readonly events: readonly GenerationEventEntry[];
}

/** Reads and writes generation records and candidate images on a BlobStore, in the design's layout. */
export class GenerationStore<TRecord extends { readonly id: string }> {
  constructor(
    private readonly store: BlobStore,
    readonly tenant: string,
  ) {}

  /** Writes (or overwrites, as a generation progresses) the record document with its owner and event log. */
  async save(stored: StoredGeneration<TRecord>): Promise<void> {
    const document = { ...stored.record, ...(stored.owner ? { owner: stored.owner } : {}), event_log: stored.events };
    const body = encoder.encode(`${JSON.stringify(document)}\n`);
    await this.store.put(generationRecordKey(this.tenant, stored.record.id), body, { contentType: 'application/json' });
  }

  /** The stored generation (record, owner, event log), or null when there is none. */
  async load(id: string): Promise<StoredGeneration<TRecord> | null> {
    const blob = await this.store.get(generationRecordKey(this.tenant, id));
    if (!blob) return null;
    const { owner, event_log: events, ...record } = parseDocument(id, blob.body);
    return {
      record: record as unknown as TRecord,
      ...(owner ? { owner: owner as InstanceRef } : {}),
      events: Array.isArray(events) ? (events as GenerationEventEntry[]) : [],
    };
  }

  /** The record alone, or null when there is none. */
  async loadRecord(id: string): Promise<TRecord | null> {
    return (await this.load(id))?.record ?? null;
  }

  /** Stores a candidate image; images are immutable, so a second write of the same key is refused. */
  async saveImage(id: string, candidateId: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    await this.store.put(candidateImageKey(this.tenant, id, candidateId, mediaType), bytes, { contentType: mediaType, createOnly: true });
  }

  /** Key of a candidate image on the store. */
  imageKey(id: string, candidateId: string, mediaType = 'image/png'): string {
    return candidateImageKey(this.tenant, id, candidateId, mediaType);
  }

  /** A candidate image, or null. */
  async loadImage(id: string, candidateId: string, mediaType = 'image/png'): Promise<Blob | null> {
    return this.store.get(candidateImageKey(this.tenant, id, candidateId, mediaType));
  }

  /** Candidate ids whose image is stored. */
  async storedImages(id: string): Promise<Set<string>> {
    const prefix = generationPrefix(this.tenant, id);
    const keys = await this.store.list(prefix);
    const ids = new Set<string>();
    for (const key of keys) {
      const match = IMAGE_NAME.exec(key.slice(prefix.length));
      if (match) ids.add(match[1]!);
    }
    return ids;
  }

  /** Deletes a generation: its images and markers first, the record last (a half-done delete is retried from the record). */
  async deleteGeneration(id: string): Promise<void> {
    const prefix = generationPrefix(this.tenant, id);
    const record = generationRecordKey(this.tenant, id);
    for (const key of await this.store.list(prefix)) if (key !== record) await this.store.delete(key);
    await this.store.delete(record);
  }

  /** Asks the process running a generation to cancel it (a marker its owner polls; idempotent). */
  async requestCancel(id: string, requestedAt: string): Promise<void> {
    const body = encoder.encode(`${JSON.stringify({ requested_at: requestedAt })}\n`);
    await this.store.put(generationCancelKey(this.tenant, id), body, { contentType: 'application/json' });
  }

  /** Whether cancellation of a generation was asked for. */
  async cancelRequested(id: string): Promise<boolean> {
    return (await this.store.get(generationCancelKey(this.tenant, id))) !== null;
  }
}

/** The stored document of a record: a JSON object, else CorruptRecordError (never a SyntaxError a caller could take for bad input). */
function parseDocument(id: string, body: Uint8Array): Record<string, unknown> {
  let document: unknown;
  try {
    document = JSON.parse(decoder.decode(body));
  } catch (error) {
    throw new CorruptRecordError(id, { cause: error });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new CorruptRecordError(id);
  return document as Record<string, unknown>;
}
