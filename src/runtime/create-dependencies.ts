import { createReferenceWorld } from '../adapters/reference/index.js';
import { createSageMakerWorld } from '../adapters/sagemaker/index.js';
import { hostname } from 'node:os';
import { createBlobStore, FsBlobStore, processIsAlive } from '../adapters/storage/index.js';
import type { AppDeps } from '../api/app-deps.js';
import type { Config } from '../config.js';
import { allowManyListeners } from './allow-many-listeners.js';
import { appSettings, worldDependencies } from './app-settings.js';
import { keepAliveAgents } from './node-http-agents.js';
import { swaggerUiAssetReader } from './swagger-ui-assets.js';

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
      ? createSageMakerWorld({ ...config.sagemaker, requestHandler: keepAliveAgents })
      : createReferenceWorld(config.referenceThreads === undefined ? {} : { threads: config.referenceThreads });
  const store =
    config.storage === 's3' && config.s3
      ? createBlobStore({ storage: 's3', ...config.s3 })
      : createBlobStore({ storage: 'fs', root: config.dataDir });
  return {
    ...appSettings(config),
    ...worldDependencies(world),
    store,
    allowManyListeners,
    docsAssets: swaggerUiAssetReader(),
    processInfo: { pid: process.pid, host: hostname(), isProcessAlive: processIsAlive },
    ...extras,
    warmUp: () => world.warmUp(),
    close: () => world.close(),
    // S3 writes are atomic on the server: a crashed writer leaves nothing to sweep
    recover: () => (store instanceof FsBlobStore ? store.removeAbandonedTempFiles() : Promise.resolve(0)),
  };
}

