import { sha256 } from 'hono/utils/crypto';
import type { BlobStore } from '../../ports/blob-store.js';
import { DiffalignError } from '../../ports/errors.js';
import type { InstanceLiveness, InstanceRef } from '../../records/instance-liveness.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A response kept for replay. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What the store keeps per idempotency key (`idempotency/<tenant>/<sha256 of the key>.json`). */
export interface IdempotencyRecord {
  readonly status: 'in_progress' | 'completed';
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  readonly request_hash: string;
  readonly created_at: string;
  /** After this the key is forgotten and may be used again. */
  readonly expires_at: string;
  readonly response?: StoredResponse;
  /** While in progress: the process instance running the first request (a dead owner frees the key at once). */
  readonly owner?: InstanceRef;
}

/** How long keys live (Stripe and the IETF draft suggest 24 h) and how long an unfinished first request holds its key. */
export interface IdempotencyPolicy {
  readonly ttlSeconds: number;
  /** An `in_progress` record older than this belongs to a request whose process died: the key is free again. */
  readonly inProgressTtlSeconds: number;
}

/** The outcome of claiming a key. */
export type IdempotencyClaim =
  | { readonly kind: 'started' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'in_progress' }
  | { readonly kind: 'mismatch' };

/**
 * Idempotency keys persisted on the BlobStore with the semantics of Powertools' idempotency utility: the
 * first request claims the key with a create-only write (`in_progress`), completes it with its response,
 * or releases it when it failed; a later request with the same key and body replays the response, with
 * another body is refused, and while the first runs is told so. No extra service: one object per key.
 */
export class IdempotencyStore {
  private readonly waiters = new Map<string, Promise<void>>();
  private readonly wake = new Map<string, () => void>();

  private readonly now: () => number;
  private readonly liveness: InstanceLiveness | undefined;

  constructor(
    private readonly store: BlobStore,
    private readonly policy: IdempotencyPolicy,
    options: { readonly now?: () => number; readonly liveness?: InstanceLiveness } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.liveness = options.liveness;
  }

  /** SHA-256 of a request's method, path and body (hex; Web Crypto, so any runtime). */
  static requestHash(method: string, path: string, body: string): Promise<string> {
    return sha256Hex(`${method} ${path}\n${body}`);
  }

  /** Claims `key` for a request, or says what happened to the request that claimed it first. */
  async claim(tenant: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const blobKey = await keyOf(tenant, key);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const nowMs = this.now();
      const record: IdempotencyRecord = {
        status: 'in_progress',
        request_hash: requestHash,
        created_at: new Date(nowMs).toISOString(),
        expires_at: new Date(nowMs + this.policy.inProgressTtlSeconds * 1000).toISOString(),
        ...(this.liveness ? { owner: this.liveness.self } : {}),
      };
      try {
        await this.liveness?.start();
        await this.store.put(blobKey, encode(record), { contentType: 'application/json', createOnly: true });
        this.waiters.set(blobKey, new Promise((resolve) => this.wake.set(blobKey, resolve)));
        return { kind: 'started' };
      } catch (error) {
        // by code, not class: the adapter's error may come from another copy of the module
        if (!(DiffalignError.isInstance(error) && error.code === 'blob_already_exists')) throw error;
      }
      const existing = await this.read(blobKey);
      if (!existing) continue;
      if (Date.parse(existing.expires_at) <= this.now() || (await this.ownerGone(existing))) {
        await this.store.delete(blobKey);
        continue;
      }
      if (existing.request_hash !== requestHash) return { kind: 'mismatch' };
      if (existing.status === 'completed' && existing.response) return { kind: 'replay', response: existing.response };
      return { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  /** Records the response of the request that claimed `key`; later requests replay it until the key expires. */
  async complete(tenant: string, key: string, requestHash: string, response: StoredResponse): Promise<void> {
    const blobKey = await keyOf(tenant, key);
    const nowMs = this.now();
    const record: IdempotencyRecord = {
      status: 'completed',
      request_hash: requestHash,
      created_at: new Date(nowMs).toISOString(),
      expires_at: new Date(nowMs + this.policy.ttlSeconds * 1000).toISOString(),
      response,
    };
    try {
      await this.store.put(blobKey, encode(record), { contentType: 'application/json' });
    } finally {
      this.release(blobKey);
    }
  }

  /** Forgets a key whose first request failed, so a retry runs again (as Powertools does on an exception). */
  async abandon(tenant: string, key: string): Promise<void> {
    const blobKey = await keyOf(tenant, key);
    try {
      await this.store.delete(blobKey);
    } finally {
      this.release(blobKey);
    }
  }

  /**
   * Waits until the first request with `key` ends (at most `timeoutMs`): at once when it runs in this
   * process, by polling the store when another process runs it.
   */
  async waitForCompletion(tenant: string, key: string, timeoutMs: number, pollMs = 100): Promise<void> {
    const blobKey = await keyOf(tenant, key);
    const deadline = this.now() + timeoutMs;
    const local = this.waiters.get(blobKey);
    if (local) {
      await Promise.race([local, sleep(timeoutMs)]);
      return;
    }
    while (this.now() < deadline) {
      const record = await this.read(blobKey);
      if (!record || record.status === 'completed' || (await this.ownerGone(record))) return;
      await sleep(pollMs);
    }
  }

  /** Whether an unfinished claim belongs to a process that is gone (crashed or stopped). */
  private async ownerGone(record: IdempotencyRecord): Promise<boolean> {
    if (record.status !== 'in_progress' || !record.owner || !this.liveness) return false;
    if (record.owner.instance === this.liveness.self.instance) return false;
    return !(await this.liveness.isAlive(record.owner));
  }

  private release(blobKey: string): void {
    this.wake.get(blobKey)?.();
    this.wake.delete(blobKey);
    this.waiters.delete(blobKey);
  }

  private async read(blobKey: string): Promise<IdempotencyRecord | null> {
    const blob = await this.store.get(blobKey);
    return blob ? (JSON.parse(decoder.decode(blob.body)) as IdempotencyRecord) : null;
  }
}

async function keyOf(tenant: string, key: string): Promise<string> {
  return `idempotency/${tenant}/${await sha256Hex(key)}.json`;
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes, with Hono's Web Crypto helper. */
async function sha256Hex(text: string): Promise<string> {
  const hex = await sha256(text);
  if (hex === null) throw new Error('Web Crypto (crypto.subtle) is not available in this runtime');
  return hex;
}

function encode(record: IdempotencyRecord): Uint8Array {
  return encoder.encode(`${JSON.stringify(record)}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
