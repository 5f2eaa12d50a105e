export { candidateImageKey, generationPrefix, generationRecordKey } from './generation-layout.js';
export type { GenerationEventEntry, NewGenerationEventEntry } from './generation-event-log.js';
export { GenerationStore } from './generation-store.js';
export type { StoredGeneration } from './generation-store.js';
export { InstanceLiveness, STALE_AFTER_BEATS } from './instance-liveness.js';
export type { InstanceRef, ProcessInfo } from './instance-liveness.js';
export { isUuidV7, newUuidV7, uuidV7Timestamp } from './uuid-v7.js';
