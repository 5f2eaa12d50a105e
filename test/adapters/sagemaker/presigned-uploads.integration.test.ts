import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { REFERENCE_SCORER_CALIBRATION } from '../../../src/adapters/reference/index.js';
import { createSageMakerWorld } from '../../../src/adapters/sagemaker/index.js';
import { S3BlobStore } from '../../../src/adapters/storage/s3-blob-store.js';
import { createApp } from '../../../src/api/app.js';
import type { GenerationRecord } from '../../../src/api/schemas/generation-record.js';
import type { ScorerEntry } from '../../../src/engine/generation-plan.js';
import type { BlobStore } from '../../../src/ports/blob-store.js';
import { createReferenceEmulatorWorld } from '../../../src/emulator/reference-emulator-world.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../../../src/emulator/sagemaker-emulator.js';
import { loadSageMakerConfig } from '../../../src/runtime/sagemaker-config.js';
import { type S3Server, startS3Server } from '../../support/s3-server.js';

describe('images written by the generator endpoint through presigned PUTs (SageMaker adapters → emulator → s3rver)', () => {
  let s3: S3Server;
  let emulator: SageMakerEmulator;

  beforeAll(async () => {
    s3 = await startS3Server({ bucket: 'diffalign-uploads' });
    const reference = createReferenceEmulatorWorld({ threads: 0 });
    emulator = await startSageMakerEmulator({ world: reference.world, port: 0, onClose: () => reference.close() });
  });

  afterAll(async () => {
    await emulator?.close();
    await s3?.close();
  });

  it('stores every candidate image without its bytes passing through the API, scores it from the bucket, and keeps API links in the record', async () => {
    // Prepare: a store that records which keys the API itself writes
    const bucket = new S3BlobStore({ bucket: s3.bucket, endpoint: s3.endpoint, credentials: s3.credentials });
    const writtenByApi: string[] = [];
    const store: BlobStore = {
      provider: bucket.provider,
      get: (key) => bucket.get(key),
      head: (key) => bucket.head(key),
      put: (key, body, options) => {
        writtenByApi.push(key);
        return bucket.put(key, body, options);
      },
      list: (prefix) => bucket.list(prefix),
      listPage: (prefix, options) => bucket.listPage(prefix, options),
      delete: (key) => bucket.delete(key),
      presignGet: (key, options) => bucket.presignGet(key, options),
      presignPut: (key, options) => bucket.presignPut(key, options),
    };
    const world = createSageMakerWorld(loadSageMakerConfig({ DIFFALIGN_SAGEMAKER_URL: emulator.url, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }));
    const scorers: Record<string, ScorerEntry> = {};
    for (const scorer of world.scorers) scorers[scorer.modelId] = { scorer, calibration: REFERENCE_SCORER_CALIBRATION[scorer.modelId] ?? { mean: 0, std: 1 } };
    const app = createApp({ generator: world.generator, scorers, store, presignImageSeconds: 300, defaultRewards: [{ model: 'geneval', weight: 1 }] });
    // Act
    const response = await app.request('/v1/generations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a photo of a red apple', seed: 5, search: { budget: 3 }, width: 64, height: 64 }) });
    const record = (await response.json()) as GenerationRecord;
    await world.close();
    // Assess
    expect(response.status).toBe(200);
    expect(record.candidates).toHaveLength(3);
    const imageKeys = (await bucket.list('generations/')).filter((key) => key.endsWith('.png'));
    expect(imageKeys).toHaveLength(3);
    expect(writtenByApi.filter((key) => key.endsWith('.png'))).toEqual([]);
    for (const candidate of record.candidates) {
      expect(candidate.url).toBe(`/v1/generations/${record.id}/candidates/${candidate.id}`);
      expect(candidate.scores['geneval']).toBeTypeOf('number');
      const key = imageKeys.find((item) => item.endsWith(`/${candidate.id}.png`))!;
      expect((await sharp(Buffer.from((await bucket.get(key))!.body)).metadata()).format).toBe('png');
    }
  });
});
