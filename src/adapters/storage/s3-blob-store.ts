import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Blob, BlobInfo, BlobStore, ListPage, ListPageOptions, PresignOptions, PutOptions } from '../../ports/blob-store.js';
import { BackendCallError, BlobAlreadyExistsError, BlobPreconditionFailedError, isRetryableStatus } from '../../ports/errors.js';
import { blobKeySegments, listPageLimit } from './blob-conventions.js';

/** Static credentials; without them the SDK's default chain (env, profile, instance/container role) applies. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where an S3BlobStore keeps its objects and how it reaches S3. */
export interface S3Settings {
  readonly bucket: string;
  /** Prefix every key is stored under (`''`: the bucket root); a trailing `/` is added when missing. */
  readonly prefix?: string;
  /** Default: the SDK's (AWS_REGION); `us-east-1` when an endpoint is given. */
  readonly region?: string;
  /** An S3-compatible server (s3rver, MinIO …); implies path-style addressing. */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly credentials?: S3Credentials;
}

export interface S3BlobStoreConfig extends S3Settings {
  /** A client to use instead of building one from the settings (its region/endpoint then win). */
  readonly client?: S3Client;
  /** How often a conditional put answered 409 ConditionalRequestConflict is sent again (default 3). */
  readonly conflictRetries?: number;
}

/** Network failures without an HTTP status that are worth another attempt. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'TimeoutError', 'RequestTimeout']);

/**
 * BlobStore on an S3 bucket. `createOnly` sends `If-None-Match: *` (412 → `BlobAlreadyExistsError`);
 * `ifMatch` sends `If-Match` (412, or 404 NoSuchKey for a missing key → `BlobPreconditionFailedError`).
 * S3 answers a conditional write 409 ConditionalRequestConflict when another write or delete of the key
 * was in flight and asks for a retry; so does this store, `conflictRetries` times, then reports a
 * retryable `BackendCallError` (nothing may have landed, so "already exists" would be a guess).
 */
export class S3BlobStore implements BlobStore {
  readonly provider = 's3';
  readonly bucket: string;
  /** `''` or ending in `/`. */
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly conflictRetries: number;

  constructor(config: S3BlobStoreConfig) {
    this.bucket = config.bucket;
    this.prefix = normalizePrefix(config.prefix ?? '');
    this.client = config.client ?? createS3Client(config);
    this.conflictRetries = config.conflictRetries ?? 3;
  }

  async get(key: string): Promise<Blob | null> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    try {
      const output = await this.client.send(command);
      const body = output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
      return { body, contentType: output.ContentType ?? 'application/octet-stream', etag: output.ETag ?? '', ...lastModified(output.LastModified) };
    } catch (error) {
      if (isMissingKey(error)) return null;
      throw this.failure('get', key, error);
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    const command = new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    try {
      const output = await this.client.send(command);
      return {
        etag: output.ETag ?? '',
        contentType: output.ContentType ?? 'application/octet-stream',
        size: output.ContentLength ?? 0,
        ...lastModified(output.LastModified),
      };
    } catch (error) {
      // a HEAD error has no body: a missing bucket looks the same, and the next write will say so
      if (statusOf(error) === 404) return null;
      throw this.failure('head', key, error);
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    if (options.createOnly && options.ifMatch !== undefined) throw new TypeError('put: createOnly and ifMatch exclude each other');
    const conditional = options.createOnly === true || options.ifMatch !== undefined;
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      Body: body,
      ContentLength: body.byteLength,
      ContentType: options.contentType,
      ...(options.createOnly ? { IfNoneMatch: '*' } : {}),
      ...(options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {}),
    });
    for (let attempt = 0; ; attempt += 1) {
      try {
        const output = await this.client.send(command);
        return { etag: output.ETag ?? (await this.head(key))?.etag ?? '' };
      } catch (error) {
        const status = statusOf(error);
        if (conditional && status === 409 && attempt < this.conflictRetries) {
          await delay(10 * 2 ** attempt);
          continue;
        }
        if (options.createOnly && status === 412) throw new BlobAlreadyExistsError(key, { cause: error });
        if (options.ifMatch !== undefined && (status === 412 || (status === 404 && nameOf(error) === 'NoSuchKey'))) {
          throw new BlobPreconditionFailedError(key, options.ifMatch, { cause: error });
        }
        throw this.failure('put', key, error);
      }
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listPage(prefix, cursor === undefined ? {} : { cursor });
      keys.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return keys;
  }

  /** The cursor is S3's continuation token; `startAfter` and `delimiter` are S3's `StartAfter` and `Delimiter`. */
  async listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    const limit = listPageLimit(options.limit);
    try {
      const output = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          MaxKeys: limit,
          ContinuationToken: options.cursor,
          ...(options.cursor === undefined && options.startAfter !== undefined ? { StartAfter: this.prefix + options.startAfter } : {}),
          ...(options.delimiter === undefined ? {} : { Delimiter: options.delimiter }),
        }),
      );
      const keys = (output.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key.slice(this.prefix.length)]));
      const rolledUp = options.delimiter === undefined ? {} : { prefixes: (output.CommonPrefixes ?? []).flatMap((common) => (common.Prefix === undefined ? [] : [common.Prefix.slice(this.prefix.length)])) };
      return output.IsTruncated && output.NextContinuationToken ? { keys, ...rolledUp, cursor: output.NextContinuationToken } : { keys, ...rolledUp };
    } catch (error) {
      throw this.failure('list', prefix, error);
    }
  }

  async delete(key: string): Promise<void> {
    const command = new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    try {
      await this.client.send(command);
    } catch (error) {
      if (isMissingKey(error)) return;
      throw this.failure('delete', key, error);
    }
  }

  /** A SigV4 query-signed GET URL (X-Amz-Expires, X-Amz-Signature); at most 7 days, as S3 allows. */
  async presignGet(key: string, options: PresignOptions): Promise<string> {
    const seconds = options.expiresInSeconds;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) throw new RangeError(`presignGet: expiresInSeconds must be 1 to 604800, got ${seconds}`);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { expiresIn: seconds });
  }

  async presignPut(key: string, options: PresignOptions & { readonly contentType: string }): Promise<string> {
    const seconds = options.expiresInSeconds;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) throw new RangeError(`presignPut: expiresInSeconds must be 1 to 604800, got ${seconds}`);
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), ContentType: options.contentType }), { expiresIn: seconds });
  }

  /** The S3 key of a blob key; throws `InvalidBlobKeyError` (before any request) for a malformed one. */
  private objectKey(key: string): string {
    blobKeySegments(key);
    return this.prefix + key;
  }

  private failure(operation: string, key: string, error: unknown): BackendCallError {
    const status = statusOf(error);
    const code = nameOf(error);
    const isRetryable = status === undefined ? TRANSIENT_NETWORK_CODES.has(code ?? '') : isRetryableStatus(status);
    return new BackendCallError({
      backend: 's3',
      message: `s3 ${operation} s3://${this.bucket}/${this.prefix}${key} failed${status === undefined ? '' : ` (${status})`}: ${code ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
      ...(status === undefined ? {} : { statusCode: status }),
      isRetryable,
      cause: error,
    });
  }
}

/** An S3 client for the settings; checksums only where S3 requires them, so S3-compatible servers understand every request. */
export function createS3Client(settings: Omit<S3Settings, 'bucket' | 'prefix'>): S3Client {
  const region = settings.region ?? (settings.endpoint ? 'us-east-1' : undefined);
  const forcePathStyle = settings.forcePathStyle ?? (settings.endpoint ? true : undefined);
  return new S3Client({
    ...(region === undefined ? {} : { region }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(forcePathStyle === undefined ? {} : { forcePathStyle }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Waits `ms` (a plain timer: this store runs on any fetch-based runtime, so no node:timers). */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function lastModified(date: Date | undefined): { lastModified?: Date } {
  return date === undefined ? {} : { lastModified: date };
}

/** 404 for a key, not for a missing bucket (a misconfiguration, which must not read as "absent"). */
function isMissingKey(error: unknown): boolean {
  return statusOf(error) === 404 && nameOf(error) !== 'NoSuchBucket';
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string | undefined {
  const candidate = error as { name?: unknown; code?: unknown } | undefined;
  if (typeof candidate?.code === 'string') return candidate.code;
  return typeof candidate?.name === 'string' ? candidate.name : undefined;
}
