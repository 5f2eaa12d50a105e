import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { loadConfig } from '../../src/config.js';
import { createReferenceEmulatorWorld } from '../../src/emulator/reference-emulator-world.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../../src/emulator/sagemaker-emulator.js';
import { createDependencies } from '../../src/runtime/create-dependencies.js';
import { type S3Server, startS3Server } from './s3-server.js';

/** A request every runtime gets in the parity tests: two rewards, zero-order search at fewer steps, small images. */
export const PARITY_GENERATION = {
  prompt: 'a photo of two cats and a red umbrella',
  seed: 1234,
  width: 64,
  height: 64,
  steps: 6,
  search: { method: 'zero_order', budget: 5, neighbors: 2, search_steps: 4 },
  rewards: [{ model: 'geneval', weight: 1 }, { model: 'aesthetic', weight: 0.5 }],
};

/** Request options of a JSON POST. */
export function jsonPost(body: unknown, headers: Record<string, string> = {}): { method: string; headers: Record<string, string>; body: string } {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * What a serverless runtime is compared against: s3rver and the SageMaker emulator (reference world, this
 * thread) on free ports, the environment that wires S3 and SageMaker to them, and the Node server —
 * createApp on @hono/node-server with the same environment — on its own prefix of the same bucket.
 */
export interface ParityWorld {
  readonly s3: S3Server;
  readonly emulator: SageMakerEmulator;
  /** DIFFALIGN_* for the S3 store and the SageMaker backend on these servers (no prefix: each runtime sets its own). */
  readonly env: Readonly<Record<string, string>>;
  /** The Node server's base URL. */
  readonly nodeUrl: string;
  close(): Promise<void>;
}

/** Starts the servers and the Node server of a parity test. */
export async function startParityWorld(options: { bucket: string; env?: Record<string, string> }): Promise<ParityWorld> {
  const s3 = await startS3Server({ bucket: options.bucket });
  const reference = createReferenceEmulatorWorld({ threads: 0 });
  const emulator = await startSageMakerEmulator({ world: reference.world, port: 0, onClose: () => reference.close() });
  const env = {
    DIFFALIGN_STORAGE: 's3',
    DIFFALIGN_S3_BUCKET: s3.bucket,
    DIFFALIGN_S3_ENDPOINT: s3.endpoint,
    DIFFALIGN_BACKEND: 'sagemaker',
    DIFFALIGN_SAGEMAKER_URL: emulator.url,
    DIFFALIGN_SM_RETRY_BASE_MS: '2',
    DIFFALIGN_SM_RETRY_MAX_MS: '20',
    DIFFALIGN_LOG_LEVEL: 'silent',
    ...options.env,
  };
  const background: Promise<unknown>[] = [];
  const nodeDeps = createDependencies(loadConfig({ ...env, DIFFALIGN_S3_PREFIX: 'node/' }), { waitUntil: (work) => background.push(work) });
  let server!: ServerType;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: createApp(nodeDeps).fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  return {
    s3,
    emulator,
    env,
    nodeUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await Promise.allSettled(background);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nodeDeps.close();
      await emulator.close();
      await s3.close();
    },
  };
}

/** Polls a generation until it ended (`read` answers its record), at most 60 s. */
export async function finalRecord(read: () => Promise<{ json(): Promise<unknown> }>): Promise<GenerationRecord> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const record = (await (await read()).json()) as GenerationRecord;
    if (record.status !== 'queued' && record.status !== 'running') return record;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the generation did not end within 60 s');
}
