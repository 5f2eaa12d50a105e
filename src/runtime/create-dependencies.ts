import { createReferenceWorld, REFERENCE_SCORER_CALIBRATION } from '../adapters/reference/index.js';
import { createSageMakerWorld } from '../adapters/sagemaker/index.js';
import { hostname } from 'node:os';
import { createBlobStore, FsBlobStore, processIsAlive } from '../adapters/storage/index.js';
import type { AppDeps } from '../api/app-deps.js';
import type { Config } from '../config.js';
import type { ScorerEntry } from '../engine/generation-plan.js';

/** The app's dependencies plus the runtime hooks of what was wired (warm-up before listening, close at shutdown). */
export interface WiredDependencies extends AppDeps {
  /** Starts worker threads and loads models so the first request is not slow. */
  warmUp(): Promise<void>;
  /** Releases worker threads. */
  close(): Promise<void>;
  /** Housekeeping before serving: removes temp files that crashed writers left behind; returns how many. */
  recover(): Promise<number>;
}

/** Wires the adapters a configuration names into the app's dependencies (the only place adapters meet the app). */
export function createDependencies(config: Config, extras: Pick<AppDeps, 'waitUntil' | 'logger' | 'supervisor' | 'checkReady'> = {}): WiredDependencies {
  const world =
    config.backend === 'sagemaker' && config.sagemaker
      ? createSageMakerWorld(config.sagemaker)
      : createReferenceWorld(config.referenceThreads === undefined ? {} : { threads: config.referenceThreads });
  const store =
    config.storage === 's3' && config.s3
      ? createBlobStore({ storage: 's3', ...config.s3 })
      : createBlobStore({ storage: 'fs', root: config.dataDir });
  const scorers: Record<string, ScorerEntry> = {};
  for (const scorer of world.scorers) {
    scorers[scorer.modelId] = { scorer, calibration: REFERENCE_SCORER_CALIBRATION[scorer.modelId] ?? { mean: 0, std: 1 } };
  }
  return {
    generator: world.generator,
    scorers,
    rewriter: world.rewriter,
    chatModel: world.chatModel,
    store,
    tenant: config.tenant,
    auth: { mode: config.authMode, cacheTtlMs: config.authCacheTtlMs },
    limits: config.tenantLimits,
    corsOrigins: config.corsOrigins,
    defaultRewards: [{ model: world.scorers.some((scorer) => scorer.modelId === 'geneval') ? 'geneval' : world.scorers[0]!.modelId, weight: 1 }],
    maxBodyBytes: config.maxBodyBytes,
    heartbeatMs: config.heartbeatMs,
    maxRunning: config.maxRunning,
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    ...(config.presignImageSeconds !== undefined ? { presignImageSeconds: config.presignImageSeconds } : {}),
    maxQueued: config.maxQueued,
    processInfo: { pid: process.pid, host: hostname(), isProcessAlive: processIsAlive },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...extras,
    warmUp: () => world.warmUp(),
    close: () => world.close(),
    // S3 writes are atomic on the server: a crashed writer leaves nothing to sweep
    recover: () => (store instanceof FsBlobStore ? store.removeAbandonedTempFiles() : Promise.resolve(0)),
  };
}

