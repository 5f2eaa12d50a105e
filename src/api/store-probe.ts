import type { BlobStore } from '../ports/blob-store.js';
import { DiffalignError } from '../ports/errors.js';

/** How long a probe may take before the store counts as hanging. */
export const STORE_PROBE_TIMEOUT_MS = 5000;

/** The blob store failed the write/read/delete probe, or did not finish it in time. */
export class StoreProbeError extends DiffalignError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
  }
}

/**
 * Writes a small probe object to the store, reads it back and deletes it, within `timeoutMs`, so an
 * unwritable or hanging store fails at startup (and on `/readyz`) instead of on the first generation.
 * Resolves when the store works; throws `StoreProbeError` saying which step failed and why.
 */
export async function probeStore(store: BlobStore, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? STORE_PROBE_TIMEOUT_MS;
  const key = `.probe-${crypto.randomUUID()}`;
  const body = new TextEncoder().encode(key);
  let step = 'write';
  const probe = async (): Promise<void> => {
    await store.put(key, body, { contentType: 'text/plain' });
    step = 'read back';
    const blob = await store.get(key);
    if (!blob || new TextDecoder().decode(blob.body) !== key) throw new Error('the probe object read back differs from what was written');
    step = 'delete';
    await store.delete(key);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreProbeError(`${store.provider} store did not finish a probe ${step} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
  } catch (error) {
    if (error instanceof StoreProbeError) throw error;
    throw new StoreProbeError(`${store.provider} store failed a probe ${step}: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
