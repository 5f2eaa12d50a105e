import { S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3BlobStore } from '../../../src/adapters/storage/s3-blob-store.js';
import { hasAwsCredentials } from '../../../src/config.js';
import { BackendCallError } from '../../../src/ports/errors.js';
import { freePort } from '../../support/spawn-server.js';
import { type S3Server, startS3Server } from '../../support/s3-server.js';
import { testBlobStore } from './blob-store-contract.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

let server: S3Server;

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  await server?.close();
});

/** A store on the shimmed s3rver under a prefix of its own, so every test starts empty. */
function shimStore(overrides: Partial<ConstructorParameters<typeof S3BlobStore>[0]> = {}): S3BlobStore {
  return new S3BlobStore({ bucket: server.bucket, prefix: `t-${randomUUID()}`, endpoint: server.endpoint, credentials: server.credentials, ...overrides });
}

testBlobStore('S3BlobStore on s3rver behind the conditional-write shim', async () => shimStore());

const realBucket = process.env.DIFFALIGN_TEST_S3_BUCKET;
const realS3 = realBucket !== undefined && realBucket !== '' && hasAwsCredentials(process.env);
describe.skipIf(!realS3)(`S3BlobStore on real S3 (${realS3 ? `s3://${realBucket}` : 'skipped: set DIFFALIGN_TEST_S3_BUCKET and AWS credentials'})`, () => {
  const stores: S3BlobStore[] = [];
  afterAll(async () => {
    for (const store of stores) for (const key of await store.list('')) await store.delete(key);
  });
  testBlobStore('S3BlobStore on real S3', async () => {
    const store = new S3BlobStore({ bucket: realBucket!, prefix: `diffalign-contract/${randomUUID()}`, ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}) });
    stores.push(store);
    return store;
  });
});

describe('S3BlobStore', () => {
  describe('prefix', () => {
    it('stores keys under the prefix and lists them without it', async () => {
      // Prepare
      const prefix = `tenant-${randomUUID()}`;
      const store = shimStore({ prefix });
      const other = shimStore();
      // Act
      await store.put('generations/a/record.json', bytes('{}'), { contentType: 'application/json' });
      // Assess
      expect(await store.list('')).toEqual(['generations/a/record.json']);
      expect(await other.list('')).toEqual([]);
      const onDisk = await readdir(join(server.directory, server.bucket, prefix, 'generations', 'a'));
      expect(onDisk).toContain('record.json._S3rver_object');
    });
  });

  describe('put', () => {
    it('sends a conditional put again when S3 answers 409 ConditionalRequestConflict', async () => {
      // Prepare
      const store = shimStore({ prefix: 'conflicts' });
      const key = `${randomUUID()}.json`;
      server.injectConflicts(`conflicts/${key}`, 2);
      // Act
      const put = await store.put(key, bytes('once'), { contentType: 'application/json', createOnly: true });
      // Assess
      expect((await store.head(key))?.etag).toBe(put.etag);
    });

    it('reports a retryable BackendCallError when the conflicts outlast its retries', async () => {
      // Prepare
      const store = shimStore({ prefix: 'conflicts', conflictRetries: 1 });
      const key = `${randomUUID()}.json`;
      server.injectConflicts(`conflicts/${key}`, 5);
      // Act
      const attempt = store.put(key, bytes('never'), { contentType: 'application/json', createOnly: true });
      // Assess
      await expect(attempt).rejects.toBeInstanceOf(BackendCallError);
      await expect(attempt).rejects.toMatchObject({ statusCode: 409, isRetryable: true, backend: 's3' });
      expect(await store.head(key)).toBeNull();
    });
  });

  describe('errors', () => {
    it('reads a missing bucket as a failure, not as absence', async () => {
      // Prepare
      const store = shimStore({ bucket: 'no-such-bucket' });
      // Act
      const attempt = store.get('x.json');
      // Assess
      await expect(attempt).rejects.toBeInstanceOf(BackendCallError);
      await expect(attempt).rejects.toMatchObject({ statusCode: 404, isRetryable: false });
    });

    it('marks an unreachable endpoint as retryable', async () => {
      // Prepare
      const endpoint = `http://127.0.0.1:${await freePort()}`;
      const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: server.credentials, maxAttempts: 1 });
      const store = new S3BlobStore({ bucket: server.bucket, client });
      // Act
      const attempt = store.head('x.json');
      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'BackendCallError', isRetryable: true, statusCode: undefined });
    });
  });

  describe('presignGet', () => {
    it('hands out a SigV4 query-signed URL that GETs the bytes without credentials', async () => {
      // Prepare
      const store = shimStore();
      const body = new Uint8Array([0, 1, 2, 253, 254, 255]);
      await store.put('images/c000.png', body, { contentType: 'image/png' });
      // Act
      const url = new URL(await store.presignGet('images/c000.png', { expiresInSeconds: 300 }));
      const response = await fetch(url);
      // Assess
      expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
      expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request$/);
      expect(url.pathname).toMatch(new RegExp(`^/${server.bucket}/t-[^/]+/images/c000\\.png$`));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(body);
    });

    it('hands out a URL that stops working once expired (signed two minutes ago, valid for one)', async () => {
      // Prepare
      const store = shimStore();
      await store.put('images/old.png', bytes('png'), { contentType: 'image/png' });
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 120_000 });
      let url: string;
      try {
        url = await store.presignGet('images/old.png', { expiresInSeconds: 60 });
      } finally {
        vi.useRealTimers();
      }
      // Act
      const response = await fetch(url);
      // Assess
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('Request has expired');
    });

    it('refuses lifetimes S3 does not sign (over 7 days)', async () => {
      // Prepare
      const store = shimStore();
      // Act / Assess
      await expect(store.presignGet('x.png', { expiresInSeconds: 604_801 })).rejects.toBeInstanceOf(RangeError);
    });
  });
});
