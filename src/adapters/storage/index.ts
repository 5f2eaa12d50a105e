export { contentTypeForKey } from './content-type-for-key.js';
export { FsBlobStore, processIsAlive } from './fs-blob-store.js';
