import { createBlobStore } from '../adapters/storage/index.js';
import type { Config } from '../config.js';
import type { BlobStore } from '../ports/blob-store.js';

/** The BlobStore the server is configured with (`DIFFALIGN_STORAGE`: the fs directory or the S3 bucket), as `createDependencies` wires it. */
export function createConfiguredStore(config: Config): BlobStore {
  return config.storage === 's3' && config.s3 ? createBlobStore({ storage: 's3', ...config.s3 }) : createBlobStore({ storage: 'fs', root: config.dataDir });
}

/** Where the configured store keeps its data, for messages: the data dir, or `s3://bucket/prefix`. */
export function storageLocation(config: Config): string {
  return config.s3 ? `s3://${config.s3.bucket}/${config.s3.prefix}${config.s3.endpoint ? ` via ${config.s3.endpoint}` : ''}` : config.dataDir;
}
