import { uuidV7Timestamp } from './uuid-v7.js';

/**
 * Where a generation lives on a BlobStore: `generations/<tenant>/<yyyy>/<mm>/<dd>/<id>/`.
 * The date comes from the id's UUIDv7 timestamp, so a record is found from (tenant, id) alone.
 */
export function generationPrefix(tenant: string, id: string): string {
  const created = new Date(uuidV7Timestamp(id));
  const yyyy = String(created.getUTCFullYear()).padStart(4, '0');
  const mm = String(created.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(created.getUTCDate()).padStart(2, '0');
  return `generations/${tenant}/${yyyy}/${mm}/${dd}/${id}/`;
}

/** Key of a generation's record document. */
export function generationRecordKey(tenant: string, id: string): string {
  return `${generationPrefix(tenant, id)}record.json`;
}

/** File extension of an image media type in the layout. */
export function extensionForMediaType(mediaType: string): string {
  if (mediaType === 'image/jpeg') return 'jpg';
  if (mediaType === 'image/webp') return 'webp';
  return 'png';
}

/** Key of one candidate's image bytes. */
export function candidateImageKey(tenant: string, id: string, candidateId: string, mediaType = 'image/png'): string {
  return `${generationPrefix(tenant, id)}${candidateId}.${extensionForMediaType(mediaType)}`;
}

/** Key of the marker that asks a generation's owner to cancel it. */
export function generationCancelKey(tenant: string, id: string): string {
  return `${generationPrefix(tenant, id)}cancel.json`;
}

/** Key of a process instance's liveness document. */
export function instanceKey(instanceId: string): string {
  return `instances/${instanceId}.json`;
}

/**
 * Key of one feedback batch: `feedback/tenant=<t>/dt=<yyyy-mm-dd>/hour=<hh>/<batch id>.ndjson`, Hive-style
 * partitions (by the server's receive time) that Athena and DuckDB read as columns.
 */
export function feedbackBatchKey(tenant: string, receivedAt: Date, batchId: string): string {
  const iso = receivedAt.toISOString();
  return `feedback/tenant=${tenant}/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/${batchId}.ndjson`;
}

/** Prefix of a tenant's feedback. */
export function feedbackPrefix(tenant: string): string {
  return `feedback/tenant=${tenant}/`;
}

/** Key of an erasure tombstone: `erasures/tenant=<t>/<erasure id>.json`. */
export function erasureKey(tenant: string, erasureId: string): string {
  return `erasures/tenant=${tenant}/${erasureId}.json`;
}

/** Prefix of a tenant's generations (`generations/<tenant>/`). */
export function generationsPrefix(tenant: string): string {
  return `generations/${tenant}/`;
}
