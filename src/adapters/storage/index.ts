export { contentTypeForKey } from './content-type-for-key.js';
export { FsBlobStore } from './fs-blob-store.js';
