/**
 * What the deployed API and job worker may do under each key prefix of the bucket (below `DIFFALIGN_S3_PREFIX`),
 * read off the code that touches the BlobStore: `src/records/generation-layout.ts`, `src/api/routes/*`,
 * `src/api/idempotency/idempotency-store.ts`, `src/records/instance-liveness.ts`, `src/api/auth/api-key-store.ts`
 * and `src/api/store-probe.ts`. `s3:GetObject` also covers HEAD; conditional writes (`If-None-Match`,
 * `If-Match`) need nothing beyond `s3:PutObject`. `exports/` is absent on purpose: the harvest runs from the
 * CLI with the operator's own credentials, never in a function.
 */
export interface AppKeyPrefix {
  /** Key prefix under `DIFFALIGN_S3_PREFIX`; every entry but the probe ends in `/`. */
  readonly prefix: string;
  readonly actions: readonly ('s3:GetObject' | 's3:PutObject' | 's3:DeleteObject')[];
  /** Whether the functions list keys under it (ListBucket with an `s3:prefix` condition). */
  readonly listed: boolean;
  /** Who writes what there. */
  readonly why: string;
}

/** The prefixes the functions use, and no others. */
export const APP_KEY_PREFIXES: readonly AppKeyPrefix[] = [
  {
    prefix: 'generations/',
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    listed: true,
    why: 'records, candidate images and cancel markers; DELETE /v1/generations/{id} removes a generation folder',
  },
  { prefix: 'feedback/', actions: ['s3:GetObject', 's3:PutObject'], listed: true, why: 'create-only NDJSON feedback batches (Hive partitions tenant=/dt=/hour=)' },
  { prefix: 'erasures/', actions: ['s3:GetObject', 's3:PutObject'], listed: true, why: 'create-only erasure tombstones' },
  { prefix: 'idempotency/', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], listed: true, why: 'Idempotency-Key claims, replaced when done, deleted when the first request failed' },
  { prefix: 'instances/', actions: ['s3:GetObject', 's3:PutObject'], listed: true, why: 'liveness documents of the processes that own running generations' },
  { prefix: 'keys/', actions: ['s3:GetObject'], listed: true, why: 'API key documents (SHA-256 digests): the server only reads them; `diffalign keys` writes them with operator credentials' },
  { prefix: '.probe-', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], listed: false, why: 'the readiness probe writes, reads back and deletes one object' },
];
