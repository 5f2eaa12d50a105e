/** Base class of every error diffalign raises on purpose: a stable `code` clients and logs can rely on. */
export class DiffalignError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** Cross-realm safe check (works across duplicated module instances). */
  static isInstance(error: unknown): error is DiffalignError {
    return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
  }
}

/** A backend (inference endpoint, storage) call failed; `isRetryable` tells the engine whether to try again. */
export class BackendCallError extends DiffalignError {
  readonly isRetryable: boolean;
  readonly statusCode: number | undefined;
  readonly backend: string;
  constructor(options: {
    backend: string;
    message: string;
    statusCode?: number;
    isRetryable?: boolean;
    cause?: unknown;
  }) {
    super('backend_call_failed', options.message, { cause: options.cause });
    this.backend = options.backend;
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.statusCode);
  }
}

/** 408/409/429/5xx are worth retrying by default; other failures are not. */
export function isRetryableStatus(statusCode: number | undefined): boolean {
  if (statusCode === undefined) return false;
  return statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500;
}

/** A conditional create (`createOnly`, S3 `If-None-Match: *`) found the key already there. */
export class BlobAlreadyExistsError extends DiffalignError {
  readonly key: string;
  constructor(key: string, options?: { cause?: unknown }) {
    super('blob_already_exists', `blob already exists: ${key}`, options);
    this.key = key;
  }
}

/** A conditional replace (`ifMatch`, S3 `If-Match`) found another ETag stored, or no object at all. */
export class BlobPreconditionFailedError extends DiffalignError {
  readonly key: string;
  /** The ETag the caller expected. */
  readonly expectedEtag: string;
  constructor(key: string, expectedEtag: string, options?: { cause?: unknown }) {
    super('blob_precondition_failed', `blob ${key} is not at etag ${expectedEtag} (changed or missing)`, options);
    this.key = key;
    this.expectedEtag = expectedEtag;
  }
}

/** A blob key is malformed (absolute, escapes the store, empty segment). */
export class InvalidBlobKeyError extends DiffalignError {
  readonly key: string;
  constructor(key: string) {
    super('invalid_blob_key', `invalid blob key: ${JSON.stringify(key)}`);
    this.key = key;
  }
}

/** A model id named in a request is not served by this deployment. */
export class UnknownModelError extends DiffalignError {
  readonly model: string;
  readonly available: readonly string[];
  constructor(kind: string, model: string, available: readonly string[]) {
    super('unknown_model', `unknown ${kind} model "${model}"; available: ${available.join(', ') || 'none'}`);
    this.model = model;
    this.available = available;
  }
}

/** The operation was cancelled (client gone, deadline, cancellation, shutdown). */
export class AbortedError extends DiffalignError {
  /** Why the run it belongs to stopped (`deadline`, `client`, `cancelled`, `shutdown`), when known. */
  readonly stopReason: 'deadline' | 'client' | 'cancelled' | 'shutdown' | undefined;
  constructor(message = 'operation aborted', options?: { cause?: unknown; stopReason?: 'deadline' | 'client' | 'cancelled' | 'shutdown' }) {
    super('aborted', message, options);
    this.stopReason = options?.stopReason;
  }
}
