import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/adapters/storage/s3-blob-store.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { type S3Server, startS3Server } from '../support/s3-server.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

const PREFIX = 'accept/';

describe('node runtime on S3 (a real server process, s3rver behind the conditional-write shim)', () => {
  let s3: S3Server;
  let dataDir: string;
  let env: Record<string, string>;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    s3 = await startS3Server({ bucket: 'diffalign-accept' });
    dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-node-s3-')), 'data');
    env = {
      DIFFALIGN_PORT: String(await freePort()),
      DIFFALIGN_DATA_DIR: dataDir,
      DIFFALIGN_STORAGE: 's3',
      DIFFALIGN_S3_ENDPOINT: s3.endpoint,
      DIFFALIGN_S3_BUCKET: s3.bucket,
      DIFFALIGN_S3_PREFIX: PREFIX,
      // no AWS credentials in the environment: the server falls back to s3rver's (the local-endpoint default)
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      DIFFALIGN_REFERENCE_THREADS: '1',
    };
  });

  afterAll(async () => {
    await server?.stop();
    await s3?.close();
  });

  it('generates, restarts, and serves the record and the image from S3, leaving the data directory unused', async () => {
    // Prepare
    server = await startServer(env);
    // Act
    const response = await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a photo of a red apple', search: { method: 'best_of_n', budget: 2 }, width: 128, height: 128 }),
    });
    const record = (await response.json()) as GenerationRecord;
    await server.stop();
    server = await startServer(env);
    const again = await fetch(`${server.baseUrl}/v1/generations/${record.id}`);
    const image = await fetch(new URL(record.best!.url!, server.baseUrl));
    // Assess
    expect(response.status).toBe(200);
    expect(record.candidates).toHaveLength(2);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(record);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await image.arrayBuffer());
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });

    const bucket = new S3BlobStore({ bucket: s3.bucket, prefix: PREFIX, endpoint: s3.endpoint, credentials: s3.credentials });
    const keys = await bucket.list('generations/');
    const recordKey = keys.find((key) => key.endsWith(`/${record.id}/record.json`));
    const imageKey = keys.find((key) => key.startsWith(recordKey?.replace(/record\.json$/, '') ?? '\0') && key.endsWith(`${record.best!.id}.png`));
    expect(recordKey).toMatch(/^generations\/default\/\d{4}\/\d{2}\/\d{2}\//);
    expect(imageKey).toBeDefined();
    expect(Buffer.from((await bucket.get(imageKey!))!.body).equals(png)).toBe(true);
    const onS3rverDisk = await readdir(join(s3.directory, s3.bucket, PREFIX), { recursive: true });
    expect(onS3rverDisk.some((name) => name.endsWith(`${record.best!.id}.png._S3rver_object`))).toBe(true);
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(server.output()).toMatch(/storage s3/);
  }, 120_000);

  it('with DIFFALIGN_S3_PRESIGN_SECONDS, answers an image request with a 302 to a presigned GET that serves the bytes from the bucket', async () => {
    // Prepare
    await server?.stop();
    server = await startServer({ ...env, DIFFALIGN_S3_PRESIGN_SECONDS: '300' });
    const record = (await (
      await fetch(`${server.baseUrl}/v1/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a photo of a blue cup', search: { budget: 1 }, width: 64, height: 64 }),
      })
    ).json()) as GenerationRecord;
    // Act
    const redirect = await fetch(new URL(record.best!.url!, server.baseUrl), { redirect: 'manual' });
    const location = redirect.headers.get('location') ?? '';
    const image = await fetch(location);
    // Assess
    expect(redirect.status).toBe(302);
    expect(location.startsWith(s3.endpoint)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(image.status).toBe(200);
    expect(await sharp(Buffer.from(await image.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 64 });
    expect(JSON.stringify(record)).not.toContain('X-Amz-Signature');
    expect((await fetch(`${server.baseUrl}/v1/generations/${record.id}/candidates/c099`, { redirect: 'manual' })).status).toBe(404);
  }, 120_000);
});
