import type { BlobStore } from '../ports/blob-store.js';
import { GenerationStore } from '../records/generation-store.js';
import type { GenerationRecord } from './schemas/generation-record.js';

/** One GenerationStore per tenant over the app's BlobStore, made on first use and kept: every route reads and writes through its request's tenant. */
export class TenantGenerationStores {
  private readonly stores = new Map<string, GenerationStore<GenerationRecord>>();

  constructor(private readonly blobStore: BlobStore) {}

  /** The store of `tenant`'s generations (`generations/<tenant>/…`). */
  of(tenant: string): GenerationStore<GenerationRecord> {
    let store = this.stores.get(tenant);
    if (!store) {
      store = new GenerationStore<GenerationRecord>(this.blobStore, tenant);
      this.stores.set(tenant, store);
    }
    return store;
  }
}
