export { candidateImageKey, generationPrefix, generationRecordKey } from './generation-layout.js';
export { GenerationStore } from './generation-store.js';
export { isUuidV7, newUuidV7, uuidV7Timestamp } from './uuid-v7.js';
