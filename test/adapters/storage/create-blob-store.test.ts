import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStoreConfigError, createBlobStore } from '../../../src/adapters/storage/create-blob-store.js';
import { FsBlobStore } from '../../../src/adapters/storage/fs-blob-store.js';
import { S3BlobStore } from '../../../src/adapters/storage/s3-blob-store.js';

describe('createBlobStore', () => {
  it('builds the fs store on the root it is given', async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'diffalign-factory-'));
    // Act
    const store = createBlobStore({ storage: 'fs', root });
    // Assess
    expect(store).toBeInstanceOf(FsBlobStore);
    expect((store as FsBlobStore).root).toBe(root);
  });

  it('builds the s3 store on a bucket, with the prefix ending in /', () => {
    // Act
    const store = createBlobStore({ storage: 's3', bucket: 'diffalign', prefix: 'prod', endpoint: 'http://127.0.0.1:4568' });
    // Assess
    expect(store).toBeInstanceOf(S3BlobStore);
    expect(store.provider).toBe('s3');
    expect(store).toMatchObject({ bucket: 'diffalign', prefix: 'prod/' });
    expect(typeof store.presignGet).toBe('function');
  });

  it('names the setting that is missing', () => {
    // Act / Assess
    expect(() => createBlobStore({ storage: 's3' })).toThrowError(BlobStoreConfigError);
    expect(() => createBlobStore({ storage: 's3' })).toThrowError(/`bucket`/);
    expect(() => createBlobStore({ storage: 'fs' })).toThrowError(/`root`/);
    expect(() => createBlobStore({ storage: 'gcs' } as never)).toThrowError(/unknown blob store "gcs"/);
  });
});
