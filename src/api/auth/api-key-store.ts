import { newWebhookSecret } from '../webhooks/standard-webhooks.js';
import type { BlobStore } from '../../ports/blob-store.js';
import { DiffalignError } from '../../ports/errors.js';
import type { TenantLimitOverrides } from '../limits/tenant-limits.js';
import { type ApiKeyDocument, apiKeyDocumentKey, apiKeyDocumentSchema, API_KEYS_PREFIX, TENANT_NAME } from './api-key-document.js';
import { ApiKeyNotFoundError, InvalidTenantNameError } from './api-key-errors.js';
import { apiKeyDigest, fromHex, isKeyId, keyIdOf, newApiKey, type RandomBytes, toHex } from './api-key.js';
import { constantTimeEqual } from './constant-time-equal.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** How long key documents (and "no key yet") are trusted in process unless told otherwise. */
export const DEFAULT_KEY_CACHE_TTL_MS = 30_000;
/** Past this many cached documents the cache starts over (bounds memory against many distinct key ids). */
const MAX_CACHED = 10_000;
/** A digest to compare against when the key id names no document, so that path hashes and compares too. */
const NO_DIGEST = new Uint8Array(32);

/** Options of the key store. */
export interface ApiKeyStoreOptions {
  /**
   * How long a key document read from the store is reused, in ms (default 30 s): a revocation takes effect
   * in a running server within this long; 0 reads the store on every request.
   */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
  readonly random?: RandomBytes;
}

/** What checking a presented key found. */
export type ApiKeyVerdict =
  | { readonly kind: 'valid'; readonly document: ApiKeyDocument }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'wrong' }
  | { readonly kind: 'revoked'; readonly keyId: string };

/** What `list` read. */
export interface ApiKeyListing {
  readonly keys: readonly ApiKeyDocument[];
  /** Keys of documents under `keys/` that are not key documents (never trusted). */
  readonly unreadable: readonly string[];
}

/**
 * API keys on the BlobStore the server uses (`keys/<key id>.json`; S3 in deployments), so the CLI that
 * creates a key and every server instance read the same place. Only SHA-256 digests are stored. A
 * presented key is looked up by its id, then its digest is compared with the stored one in constant time.
 */
export class ApiKeyStore {
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly random: RandomBytes | undefined;
  private readonly cache = new Map<string, { readonly document: ApiKeyDocument | null; readonly until: number }>();
  /** Once a key document has been seen, auth stays on for the life of the process. */
  private keysSeen = false;
  private noKeysUntil = Number.NEGATIVE_INFINITY;
  private pendingCheck: Promise<boolean> | undefined;

  constructor(
    private readonly store: BlobStore,
    options: ApiKeyStoreOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_KEY_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
    this.random = options.random;
  }

  /** Creates a key for `tenant`; the result's `key` is the only time the secret exists outside its owner. */
  async create(options: { readonly tenant: string; readonly label?: string; readonly limits?: TenantLimitOverrides }): Promise<{ readonly key: string; readonly document: ApiKeyDocument }> {
    if (!TENANT_NAME.test(options.tenant)) throw new InvalidTenantNameError(options.tenant);
    for (;;) {
      const { key, keyId } = newApiKey(this.random);
      const document = apiKeyDocumentSchema.parse({
        key_id: keyId,
        tenant: options.tenant,
        sha256: toHex(await apiKeyDigest(key)),
        created_at: new Date(this.now()).toISOString(),
        ...(options.label !== undefined ? { label: options.label } : {}),
        ...(options.limits !== undefined ? { limits: options.limits } : {}),
        webhook_secret: newWebhookSecret(),
      });
      try {
        await this.store.put(apiKeyDocumentKey(keyId), encode(document), { contentType: 'application/json', createOnly: true });
      } catch (error) {
        // a 64-bit id collision: draw another key
        if (DiffalignError.isInstance(error) && error.code === 'blob_already_exists') continue;
        throw error;
      }
      this.cache.delete(keyId);
      this.keysSeen = true;
      return { key, document };
    }
  }

  /** Revokes a key (idempotent: a revoked key keeps its first `revoked_at`); throws ApiKeyNotFoundError. */
  async revoke(keyId: string): Promise<{ readonly document: ApiKeyDocument; readonly alreadyRevoked: boolean }> {
    for (let attempt = 0; ; attempt += 1) {
      const blob = isKeyId(keyId) ? await this.store.get(apiKeyDocumentKey(keyId)) : null;
      const current = blob ? parse(blob.body) : null;
      if (!blob || !current) throw new ApiKeyNotFoundError(keyId);
      if (current.revoked_at !== undefined) return { document: current, alreadyRevoked: true };
      const document: ApiKeyDocument = { ...current, revoked_at: new Date(this.now()).toISOString() };
      try {
        await this.store.put(apiKeyDocumentKey(keyId), encode(document), { contentType: 'application/json', ifMatch: blob.etag });
      } catch (error) {
        // changed under us (another revoke): read again
        if (attempt < 3 && DiffalignError.isInstance(error) && error.code === 'blob_precondition_failed') continue;
        throw error;
      }
      this.cache.delete(keyId);
      return { document, alreadyRevoked: false };
    }
  }

  /** Every key document, oldest id first (no secrets exist to list). */
  async list(): Promise<ApiKeyListing> {
    const keys: ApiKeyDocument[] = [];
    const unreadable: string[] = [];
    for (const blobKey of await this.store.list(API_KEYS_PREFIX)) {
      const blob = await this.store.get(blobKey);
      const document = blob ? parse(blob.body) : null;
      if (document && blobKey === apiKeyDocumentKey(document.key_id)) keys.push(document);
      else if (blob) unreadable.push(blobKey);
    }
    keys.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.key_id.localeCompare(b.key_id));
    return { keys, unreadable };
  }

  /** The document of a key id (cached for `cacheTtlMs`, absence too), or null. */
  async find(keyId: string): Promise<ApiKeyDocument | null> {
    const nowMs = this.now();
    const cached = this.cache.get(keyId);
    if (cached && cached.until > nowMs) return cached.document;
    const blob = isKeyId(keyId) ? await this.store.get(apiKeyDocumentKey(keyId)) : null;
    const document = blob ? parse(blob.body) : null;
    if (document?.key_id !== undefined && document.key_id !== keyId) return null;
    if (this.cacheTtlMs > 0) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(keyId, { document, until: nowMs + this.cacheTtlMs });
    }
    if (document) this.keysSeen = true;
    return document;
  }

  /** Checks a presented key: its form, its stored document, its digest (constant-time), its revocation. */
  async verify(key: string): Promise<ApiKeyVerdict> {
    const keyId = keyIdOf(key);
    if (keyId === null) return { kind: 'malformed' };
    const [digest, document] = await Promise.all([apiKeyDigest(key), this.find(keyId)]);
    const stored = (document ? fromHex(document.sha256) : null) ?? NO_DIGEST;
    const matches = constantTimeEqual(digest, stored);
    if (!document || !matches) return { kind: 'wrong' };
    // only the holder of the real key learns that it was revoked
    if (document.revoked_at !== undefined) return { kind: 'revoked', keyId };
    return { kind: 'valid', document };
  }

  /**
   * Whether any key document exists: auth is on from then on. Sticky once true; while false, the store is
   * listed (one page of one key) at most once per `cacheTtlMs`, so a key created by the CLI while the
   * server runs switches auth on within that long, without a restart.
   */
  async anyExists(): Promise<boolean> {
    if (this.keysSeen) return true;
    if (this.now() < this.noKeysUntil) return false;
    this.pendingCheck ??= this.store
      .listPage(API_KEYS_PREFIX, { limit: 1 })
      .then((page) => {
        if (page.keys.length > 0) this.keysSeen = true;
        else this.noKeysUntil = this.now() + this.cacheTtlMs;
        return this.keysSeen;
      })
      .finally(() => (this.pendingCheck = undefined));
    return this.pendingCheck;
  }
}

function parse(body: Uint8Array): ApiKeyDocument | null {
  try {
    const parsed = apiKeyDocumentSchema.safeParse(JSON.parse(decoder.decode(body)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function encode(document: ApiKeyDocument): Uint8Array {
  return encoder.encode(`${JSON.stringify(document)}\n`);
}
