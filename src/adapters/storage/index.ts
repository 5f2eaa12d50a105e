export { contentTypeForKey } from './content-type-for-key.js';
export { BlobStoreConfigError, createBlobStore } from './create-blob-store.js';
export type { CreateBlobStoreOptions } from './create-blob-store.js';
export { FsBlobStore, processIsAlive } from './fs-blob-store.js';
export type { S3Credentials, S3Settings } from './s3-blob-store.js';
