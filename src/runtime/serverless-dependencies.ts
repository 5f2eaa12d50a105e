import { createSageMakerWorld, type SageMakerWorldConfig } from '../adapters/sagemaker/index.js';
import { S3BlobStore } from '../adapters/storage/s3-blob-store.js';
import type { AppDeps } from '../api/app-deps.js';
import { type Config, ConfigError } from '../config.js';
import { appSettings, worldDependencies } from './app-settings.js';

/** Static AWS credentials (Workers have no default credential chain: they come from the env bindings). */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What a serverless runtime adds to the configuration. */
export interface ServerlessWiring {
  /** Credentials for S3 and SageMaker where the configuration names none (its local-endpoint defaults win). */
  readonly credentials?: StaticCredentials;
  /** The SDK's HTTP handler options (Lambda: Node keep-alive agents); absent, the SDK's default (fetch on Workers). */
  readonly requestHandler?: SageMakerWorldConfig['requestHandler'];
}

/** The app's dependencies on a serverless runtime, and how to release them. */
export interface ServerlessDependencies extends AppDeps {
  /** Closes the SDK clients' connections. */
  close(): Promise<void>;
}

/**
 * Wires the app for a serverless runtime (Lambda, Workers): the S3 store and the SageMaker backend, the
 * two that run on any fetch-based runtime (the reference world needs sharp and worker threads, the fs
 * store a disk). Throws a ConfigError naming what to set when the configuration names another store or
 * backend. Imports nothing Node-only: the Workers bundle includes it.
 */
export function createServerlessDependencies(config: Config, wiring: ServerlessWiring = {}): ServerlessDependencies {
  const missing = [
    ...(config.storage === 's3' && config.s3 ? [] : ['DIFFALIGN_STORAGE=s3 with DIFFALIGN_S3_BUCKET']),
    ...(config.backend === 'sagemaker' && config.sagemaker ? [] : ['DIFFALIGN_BACKEND=sagemaker']),
  ];
  if (missing.length > 0 || !config.s3 || !config.sagemaker) {
    throw new ConfigError(`this runtime serves the S3 store and the SageMaker backend only: set ${missing.join(' and ')}`);
  }
  const credentials = wiring.credentials === undefined ? undefined : { ...wiring.credentials };
  const store = new S3BlobStore({ ...config.s3, ...(config.s3.credentials === undefined && credentials ? { credentials } : {}) });
  const world = createSageMakerWorld({
    ...config.sagemaker,
    ...(config.sagemaker.credentials === undefined && credentials ? { credentials } : {}),
    ...(wiring.requestHandler === undefined ? {} : { requestHandler: wiring.requestHandler }),
  });
  return {
    ...appSettings(config),
    ...worldDependencies(world),
    store,
    close: () => world.close(),
  };
}
