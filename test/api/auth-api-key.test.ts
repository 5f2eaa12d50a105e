import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { apiKeyDigest, ApiKeyNotFoundError, ApiKeyStore, constantTimeEqual, InvalidTenantNameError, keyIdOf, newApiKey } from '../../src/api/auth/index.js';

async function fsStore(): Promise<{ store: FsBlobStore; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'diffalign-keys-'));
  return { store: new FsBlobStore(root), root };
}

describe('constantTimeEqual', () => {
  it('is true for equal arrays, also for empty ones', () => {
    // Act / Assess
    expect(constantTimeEqual(new Uint8Array([1, 2, 3, 250]), new Uint8Array([1, 2, 3, 250]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('is false when the arrays differ at the first byte, at the last byte, or anywhere between', () => {
    // Prepare
    const digest = new Uint8Array(32).map((_, index) => index * 7);
    const flipped = (position: number): Uint8Array => digest.map((byte, index) => (index === position ? byte ^ 1 : byte));
    // Act / Assess
    expect(constantTimeEqual(digest, flipped(0))).toBe(false);
    expect(constantTimeEqual(digest, flipped(31))).toBe(false);
    expect(constantTimeEqual(digest, flipped(16))).toBe(false);
  });

  it('is false for different lengths, even when one is a prefix of the other or empty', () => {
    // Prepare
    const digest = new Uint8Array(32).fill(9);
    // Act / Assess
    expect(constantTimeEqual(digest, digest.subarray(0, 31))).toBe(false);
    expect(constantTimeEqual(digest.subarray(0, 31), digest)).toBe(false);
    expect(constantTimeEqual(digest, new Uint8Array(0))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), digest)).toBe(false);
  });

  it('reads every byte of the first array whatever the content: no early exit (constant-time by construction)', () => {
    // Prepare: count the element reads the comparison makes
    const counted = (bytes: Uint8Array): { array: Uint8Array; reads: () => number } => {
      let reads = 0;
      const proxy = new Proxy(bytes, {
        get(target, property) {
          if (typeof property === 'string' && /^\d+$/.test(property)) reads += 1;
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return { array: proxy, reads: () => reads };
    };
    const reference = new Uint8Array(32).fill(5);
    const readsFor = (other: Uint8Array): number => {
      const a = counted(reference);
      constantTimeEqual(a.array, other);
      return a.reads();
    };
    // Act
    const differsFirst = readsFor(reference.map((byte, index) => (index === 0 ? 0 : byte)));
    const differsLast = readsFor(reference.map((byte, index) => (index === 31 ? 0 : byte)));
    const equal = readsFor(reference.slice());
    const shorter = readsFor(reference.slice(0, 3));
    // Assess
    expect([differsFirst, differsLast, equal, shorter]).toEqual([32, 32, 32, 32]);
  });

  it('agrees with a plain element-by-element equality on any arrays (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const plain = a.length === b.length && a.every((byte, index) => byte === b[index]);
        expect(constantTimeEqual(a, b)).toBe(plain);
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
  });
});

describe('API keys', () => {
  it('are da_<16 hex key id>_<43 base64url chars of 32 random bytes>, and keyIdOf reads the id back', () => {
    // Act
    const { key, keyId } = newApiKey();
    // Assess
    expect(key).toMatch(/^da_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`da_${keyId}_`)).toBe(true);
    expect(keyIdOf(key)).toBe(keyId);
    expect(keyIdOf(`${key}x`)).toBeNull();
    expect(keyIdOf('da_0123_abc')).toBeNull();
    expect(keyIdOf(`Bearer ${key}`)).toBeNull();
  });

  it('come from the random source: 8 bytes of id, then 32 bytes of secret', () => {
    // Prepare
    const requested: number[] = [];
    const random = (length: number): Uint8Array => {
      requested.push(length);
      return new Uint8Array(length).fill(0xff);
    };
    // Act
    const { key } = newApiKey(random);
    // Assess
    expect(requested).toEqual([8, 32]);
    expect(key).toBe(`da_ffffffffffffffff_${'_'.repeat(42)}8`);
  });

  it('are hashed with SHA-256 of the whole key (Web Crypto)', async () => {
    // Act
    const digest = await apiKeyDigest('abc');
    // Assess: the FIPS 180-2 test vector
    expect(Buffer.from(digest).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('ApiKeyStore (fs store)', () => {
  it('stores keys/<id>.json with the tenant, the SHA-256 of the key and the creation time, never the key', async () => {
    // Prepare
    const { store, root } = await fsStore();
    const keys = new ApiKeyStore(store, { now: () => Date.parse('2026-01-02T03:04:05.000Z') });
    // Act
    const { key, document } = await keys.create({ tenant: 'acme', label: 'ci' });
    // Assess
    expect(await readdir(join(root, 'keys'))).toEqual([`${document.key_id}.json`]);
    const text = await readFile(join(root, 'keys', `${document.key_id}.json`), 'utf8');
    expect(text).not.toContain(key.slice(20));
    expect(JSON.parse(text)).toEqual({
      key_id: keyIdOf(key),
      tenant: 'acme',
      sha256: Buffer.from(await apiKeyDigest(key)).toString('hex'),
      created_at: '2026-01-02T03:04:05.000Z',
      webhook_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
      label: 'ci',
    });
  });

  it('verifies the right key, and tells malformed, wrong and revoked keys apart', async () => {
    // Prepare
    const { store } = await fsStore();
    const keys = new ApiKeyStore(store, { cacheTtlMs: 0 });
    const { key, document } = await keys.create({ tenant: 'acme' });
    const wrongSecret = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const unknownId = newApiKey().key;
    // Act
    const verdicts = [await keys.verify(key), await keys.verify('not-a-key'), await keys.verify(wrongSecret), await keys.verify(unknownId)];
    await keys.revoke(document.key_id);
    const afterRevoke = await keys.verify(key);
    // Assess
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(['valid', 'malformed', 'wrong', 'wrong']);
    expect(afterRevoke).toEqual({ kind: 'revoked', keyId: document.key_id });
  });

  it('keeps the first revocation time when a key is revoked twice, and names a missing key', async () => {
    // Prepare
    let clock = 1_000;
    const { store } = await fsStore();
    const keys = new ApiKeyStore(store, { now: () => clock });
    const { document } = await keys.create({ tenant: 'acme' });
    // Act
    const first = await keys.revoke(document.key_id);
    clock += 60_000;
    const second = await keys.revoke(document.key_id);
    // Assess
    expect(first.alreadyRevoked).toBe(false);
    expect(second).toEqual({ document: first.document, alreadyRevoked: true });
    await expect(keys.revoke('0123456789abcdef')).rejects.toBeInstanceOf(ApiKeyNotFoundError);
    await expect(keys.revoke('../etc/passwd')).rejects.toBeInstanceOf(ApiKeyNotFoundError);
  });

  it('refuses a tenant name that storage keys could not carry', async () => {
    // Prepare
    const { store } = await fsStore();
    const keys = new ApiKeyStore(store);
    // Act / Assess
    for (const tenant of ['', 'Acme', 'a/b', '-x', 'a'.repeat(64), 'tenant=x']) {
      await expect(keys.create({ tenant })).rejects.toBeInstanceOf(InvalidTenantNameError);
    }
  });

  it('sees a revocation made by another process only after its cache time, at once with a zero cache time', async () => {
    // Prepare: a server's store (cached) and the CLI's (another instance on the same directory)
    let clock = 0;
    const { store } = await fsStore();
    const server = new ApiKeyStore(store, { cacheTtlMs: 30_000, now: () => clock });
    const uncached = new ApiKeyStore(store, { cacheTtlMs: 0 });
    const cli = new ApiKeyStore(store);
    const { key, document } = await cli.create({ tenant: 'acme' });
    expect((await server.verify(key)).kind).toBe('valid');
    expect((await uncached.verify(key)).kind).toBe('valid');
    // Act
    await cli.revoke(document.key_id);
    const withinTtl = await server.verify(key);
    clock += 30_001;
    const afterTtl = await server.verify(key);
    // Assess
    expect(withinTtl.kind).toBe('valid');
    expect(afterTtl.kind).toBe('revoked');
    expect((await uncached.verify(key)).kind).toBe('revoked');
  });

  it('knows whether any key exists: false on an empty store, true once another process creates one (rechecked after the cache time), then for good', async () => {
    // Prepare
    let clock = 0;
    const { store } = await fsStore();
    const server = new ApiKeyStore(store, { cacheTtlMs: 1_000, now: () => clock });
    // Act
    const before = await server.anyExists();
    const { document } = await new ApiKeyStore(store).create({ tenant: 'acme' });
    const withinTtl = await server.anyExists();
    clock += 1_001;
    const afterTtl = await server.anyExists();
    await store.delete(`keys/${document.key_id}.json`);
    clock += 5_000;
    const afterDelete = await server.anyExists();
    // Assess
    expect([before, withinTtl, afterTtl, afterDelete]).toEqual([false, false, true, true]);
  });

  it('lists every key document, oldest first, and reports documents under keys/ that are not key documents', async () => {
    // Prepare
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const { store } = await fsStore();
    const keys = new ApiKeyStore(store, { now: () => (clock += 1000) });
    const a = await keys.create({ tenant: 'a' });
    const b = await keys.create({ tenant: 'b', limits: { rate_per_minute: 5 } });
    await store.put('keys/garbage.json', new TextEncoder().encode('{"key_id": 1}'), { contentType: 'application/json' });
    // Act
    const listing = await keys.list();
    // Assess
    expect(listing.keys.map((key) => [key.key_id, key.tenant])).toEqual([
      [a.document.key_id, 'a'],
      [b.document.key_id, 'b'],
    ]);
    expect(listing.keys[1]!.limits).toEqual({ rate_per_minute: 5 });
    expect(listing.unreadable).toEqual(['keys/garbage.json']);
  });
});
