import PQueue from 'p-queue';
import type { BlobStore } from '../ports/blob-store.js';
import { generationRecordKey } from '../records/generation-layout.js';
import { toHarvestGeneration, type HarvestGeneration } from './harvest-generation.js';

/** The generations a harvest may use, and those it must leave out. */
export interface LoadedGenerations {
  readonly generations: ReadonlyMap<string, HarvestGeneration>;
  /** Generations whose record is gone (deleted) or unreadable. */
  readonly missing: readonly string[];
  /** Generations made for an erased app user (`metadata.app_user`). */
  readonly erased: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const decoder = new TextDecoder();

/**
 * Loads the records of the generations the events are about, through the store's port (the record key
 * comes from the id alone: its UUIDv7 date), a few at a time. A record that is missing, unreadable or
 * belongs to an erased app user is left out and named.
 */
export async function loadGenerations(
  store: BlobStore,
  tenant: string,
  ids: readonly string[],
  erasedUsers: ReadonlySet<string>,
  onProgress: (done: number, total: number) => void = () => undefined,
  concurrency = 32,
): Promise<LoadedGenerations> {
  const generations = new Map<string, HarvestGeneration>();
  const missing: string[] = [];
  const erased: string[] = [];
  const queue = new PQueue({ concurrency });
  let done = 0;
  await queue.addAll(
    ids.map((id) => async () => {
      const generation = UUID.test(id) ? await loadOne(store, tenant, id) : null;
      if (generation === null || generation.id !== id) missing.push(id);
      else if (generation.appUser !== null && erasedUsers.has(generation.appUser)) erased.push(id);
      else generations.set(id, generation);
      done += 1;
      onProgress(done, ids.length);
    }),
  );
  return { generations, missing: missing.sort(), erased: erased.sort() };
}

async function loadOne(store: BlobStore, tenant: string, id: string): Promise<HarvestGeneration | null> {
  const blob = await store.get(generationRecordKey(tenant, id));
  if (!blob) return null;
  try {
    return toHarvestGeneration(JSON.parse(decoder.decode(blob.body)));
  } catch {
    return null;
  }
}
