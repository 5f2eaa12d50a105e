/** What a store knows about an object without reading its body. */
export interface BlobInfo {
  /** Strong entity tag of the body (quoted, as in HTTP); what `put(…, { ifMatch })` compares against. */
  readonly etag: string;
  readonly contentType: string;
  /** Body length in bytes. */
  readonly size: number;
  readonly lastModified?: Date;
}

/** A stored object with its metadata. */
export interface Blob {
  readonly body: Uint8Array;
  readonly contentType: string;
  /** Strong entity tag of the body (quoted, as in HTTP). */
  readonly etag: string;
  readonly lastModified?: Date;
}

/** Options of a put. `createOnly` and `ifMatch` exclude each other. */
export interface PutOptions {
  /**
   * Stores without object metadata (the filesystem) derive the type from the key's extension instead,
   * so keys should end in the extension that names it (`.json`, `.ndjson`, `.png` …).
   */
  readonly contentType: string;
  /** Fail with `BlobAlreadyExistsError` when the key exists (S3 `If-None-Match: *`). */
  readonly createOnly?: boolean;
  /**
   * Replace only when the stored ETag is this one (S3 `If-Match`): compare-and-swap. Fails with
   * `BlobPreconditionFailedError` when the ETag differs or the key is missing.
   */
  readonly ifMatch?: string;
}

/** Options of one page of a listing. */
export interface ListPageOptions {
  /** Where the previous page ended: its `cursor`, passed back unchanged. */
  readonly cursor?: string;
  /** Most keys in the page (1 to 1000; default 1000); with `delimiter`, keys and prefixes together. */
  readonly limit?: number;
  /** Only keys after this one (lexicographically; S3 `StartAfter`); it need not exist. Ignored with `cursor`. */
  readonly startAfter?: string;
  /**
   * Rolls keys up at this character (S3 `Delimiter`, in practice `/`): a key with the delimiter after the
   * prefix is not listed; its part up to and including the delimiter is, once, in `prefixes` (as a
   * directory listing: `generations/t/2026/` under `generations/t/`).
   */
  readonly delimiter?: string;
}

/** One page of keys; `cursor` is present when more keys follow. */
export interface ListPage {
  readonly keys: string[];
  readonly cursor?: string;
  /** With `delimiter`: the rolled-up prefixes of the page, in lexicographic order (S3 `CommonPrefixes`). */
  readonly prefixes?: string[];
}

/** Options of a presigned link. */
export interface PresignOptions {
  /** How long the link works, in seconds. */
  readonly expiresInSeconds: number;
}

/**
 * Key-value object storage port (S3, local filesystem). Keys are `/`-separated relative paths; `=` is a
 * plain character (Hive partitions such as `feedback/tenant=t/dt=2026-12-01/hour=07/x.ndjson`).
 * Absence is `null`, never an exception; writes are atomic: a reader sees the old body or the new one.
 * Listings are in lexicographic order.
 */
export interface BlobStore {
  readonly provider: string;
  get(key: string): Promise<Blob | null>;
  /** Metadata of a key without its body; `null` when missing. */
  head(key: string): Promise<BlobInfo | null>;
  put(key: string, body: Uint8Array, options: PutOptions): Promise<{ readonly etag: string }>;
  /** Every key under a prefix (all pages). */
  list(prefix: string): Promise<string[]>;
  /** One page of the keys under a prefix, for prefixes too large to list at once. */
  listPage(prefix: string, options?: ListPageOptions): Promise<ListPage>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Optional capability (S3): a URL that GETs the object without credentials until it expires. Stores
   * that cannot hand out links (the filesystem) leave it undefined.
   */
  presignGet?(key: string, options: PresignOptions): Promise<string>;
  /**
   * Optional capability (S3): a URL that PUTs the object (with this content type) without credentials
   * until it expires, so an inference endpoint can write an image straight into the store.
   */
  presignPut?(key: string, options: PresignOptions & { readonly contentType: string }): Promise<string>;
}
