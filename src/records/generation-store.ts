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
 * instance that owns it (`owner`), its event log (`event_log`, the SSE events in order, compact), from
 * which any process can replay or resume the generation's event stream, and the plan it was accepted with
 * (`plan`), from which any process can run it (a job worker). None of them is part of the API record.
 */
export interface StoredGeneration<TRecord, TPlan = unknown> {
  readonly record: TRecord;
  readonly owner?: InstanceRef;
  readonly events: readonly GenerationEventEntry[];
  readonly plan?: TPlan;
}

/** A stored generation with the ETag of its document, for a compare-and-swap write (`save(…, { ifMatch })`). */
export interface VersionedGeneration<TRecord, TPlan = unknown> {
  readonly stored: StoredGeneration<TRecord, TPlan>;
  readonly etag: string;
}

/** Reads and writes generation records and candidate images on a BlobStore, in the design's layout. */
export class GenerationStore<TRecord extends { readonly id: string }, TPlan = unknown> {
  constructor(
    private readonly store: BlobStore,
    readonly tenant: string,
  ) {}

  /**
   * Writes (or overwrites, as a generation progresses) the record document with its owner, event log and
   * plan; with `ifMatch`, only over the document of that ETag (else `BlobPreconditionFailedError`), so of
   * two processes claiming one generation exactly one wins. Resolves with the new document's ETag.
   */
  async save(stored: StoredGeneration<TRecord, TPlan>, options: { readonly ifMatch?: string } = {}): Promise<{ readonly etag: string }> {
    const document = { ...stored.record, ...(stored.owner ? { owner: stored.owner } : {}), event_log: stored.events, ...(stored.plan === undefined ? {} : { plan: stored.plan }) };
    const body = encoder.encode(`${JSON.stringify(document)}\n`);
    return this.store.put(generationRecordKey(this.tenant, stored.record.id), body, { contentType: 'application/json', ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }) });
  }

  /** The stored generation (record, owner, event log, plan), or null when there is none. */
  async load(id: string): Promise<StoredGeneration<TRecord, TPlan> | null> {
    return (await this.loadVersioned(id))?.stored ?? null;
  }

  /** The stored generation with its document's ETag, or null when there is none. */
  async loadVersioned(id: string): Promise<VersionedGeneration<TRecord, TPlan> | null> {
    const blob = await this.store.get(generationRecordKey(this.tenant, id));
    if (!blob) return null;
    const { owner, event_log: events, plan, ...record } = parseDocument(id, blob.body);
    return {
      stored: {
        record: record as unknown as TRecord,
        ...(owner ? { owner: owner as InstanceRef } : {}),
        events: Array.isArray(events) ? (events as GenerationEventEntry[]) : [],
        ...(plan === undefined ? {} : { plan: plan as TPlan }),
      },
      etag: blob.etag,
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

  /** Deletes a generation's candidate images (a job that runs again from its plan writes them anew). */
  async deleteImages(id: string): Promise<void> {
    const prefix = generationPrefix(this.tenant, id);
    for (const key of await this.store.list(prefix)) if (IMAGE_NAME.test(key.slice(prefix.length))) await this.store.delete(key);
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
