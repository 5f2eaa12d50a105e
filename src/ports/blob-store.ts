/** A stored object with its metadata. */
export interface Blob {
  readonly body: Uint8Array;
  readonly contentType: string;
  /** Strong entity tag of the body (quoted, as in HTTP). */
  readonly etag: string;
  readonly lastModified?: Date;
}

/** Options of a put. */
export interface PutOptions {
  readonly contentType: string;
  /** Fail with `BlobAlreadyExistsError` when the key exists (S3 `If-None-Match: *`). */
  readonly createOnly?: boolean;
}

/**
 * Key-value object storage port (S3, local filesystem). Keys are `/`-separated relative paths.
 * Absence is `null`, never an exception; writes are atomic.
 */
export interface BlobStore {
  readonly provider: string;
  get(key: string): Promise<Blob | null>;
  put(key: string, body: Uint8Array, options: PutOptions): Promise<{ readonly etag: string }>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}
