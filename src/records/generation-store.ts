import type { Blob, BlobStore } from '../ports/blob-store.js';
import { candidateImageKey, generationRecordKey } from './generation-layout.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads and writes generation records and candidate images on a BlobStore, in the design's layout. */
export class GenerationStore<TRecord extends { readonly id: string }> {
  constructor(
    private readonly store: BlobStore,
    private readonly tenant: string,
  ) {}

  /** Writes (or overwrites, as a generation progresses) the record document. */
  async saveRecord(record: TRecord): Promise<void> {
    const body = encoder.encode(`${JSON.stringify(record, null, 2)}\n`);
    await this.store.put(generationRecordKey(this.tenant, record.id), body, { contentType: 'application/json' });
  }

  /** The record, or null when there is none. */
  async loadRecord(id: string): Promise<TRecord | null> {
    const blob = await this.store.get(generationRecordKey(this.tenant, id));
    return blob ? (JSON.parse(decoder.decode(blob.body)) as TRecord) : null;
  }

  /** Stores a candidate image; images are immutable, so a second write of the same key is refused. */
  async saveImage(id: string, candidateId: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    await this.store.put(candidateImageKey(this.tenant, id, candidateId, mediaType), bytes, { contentType: mediaType, createOnly: true });
  }

  /** A candidate image, or null. */
  async loadImage(id: string, candidateId: string, mediaType = 'image/png'): Promise<Blob | null> {
    return this.store.get(candidateImageKey(this.tenant, id, candidateId, mediaType));
  }
}
