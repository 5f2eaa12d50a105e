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

/**
 * An inference endpoint's own container failed the call (SageMaker's `ModelError`: HTTP 424 carrying the
 * container's status and message). A 4xx original is the caller's fault (a request the model rejects), a
 * 5xx the endpoint's; neither is retried.
 */
export class EndpointModelError extends BackendCallError {
  override readonly code = 'endpoint_model_error';
  /** The status the container answered (`OriginalStatusCode`). */
  readonly originalStatusCode: number | undefined;
  /** The container's own message (`OriginalMessage`). */
  readonly originalMessage: string | undefined;
  /** Where the container's logs are (`LogStreamArn`), when the runtime says. */
  readonly logStreamArn: string | undefined;
  /** Whose fault: `caller` for a 4xx original, `endpoint` otherwise. */
  readonly fault: 'caller' | 'endpoint';
  constructor(options: {
    backend: string;
    message: string;
    originalStatusCode?: number;
    originalMessage?: string;
    logStreamArn?: string;
    cause?: unknown;
  }) {
    super({ backend: options.backend, message: options.message, isRetryable: false, cause: options.cause, ...(options.originalStatusCode === undefined ? {} : { statusCode: options.originalStatusCode }) });
    this.originalStatusCode = options.originalStatusCode;
    this.originalMessage = options.originalMessage;
    this.logStreamArn = options.logStreamArn;
    const status = options.originalStatusCode ?? 0;
    this.fault = status >= 400 && status < 500 ? 'caller' : 'endpoint';
  }
}

/** An endpoint answered, but not in its wire format (not JSON, wrong shape, wrong number of results). */
export class InvalidEndpointResponseError extends BackendCallError {
  override readonly code = 'invalid_response';
  constructor(options: { backend: string; message: string; cause?: unknown }) {
    super({ ...options, isRetryable: false });
  }
}

/** An endpoint did not answer within its per-call timeout (retries included); not retried again. */
export class EndpointTimeoutError extends BackendCallError {
  override readonly code = 'endpoint_timeout';
  readonly timeoutMs: number;
  constructor(options: { backend: string; message: string; timeoutMs: number; cause?: unknown }) {
    super({ backend: options.backend, message: options.message, isRetryable: false, cause: options.cause });
    this.timeoutMs = options.timeoutMs;
  }
}

/** One item alone is larger than an endpoint's synchronous payload limit, so no split can send it. */
export class EndpointPayloadTooLargeError extends BackendCallError {
  override readonly code = 'payload_too_large';
  readonly bytes: number;
  readonly limitBytes: number;
  constructor(options: { backend: string; message: string; bytes: number; limitBytes: number; cause?: unknown }) {
    super({ backend: options.backend, message: options.message, statusCode: 413, isRetryable: false, cause: options.cause });
    this.bytes = options.bytes;
    this.limitBytes = options.limitBytes;
  }
}

/** An endpoint's circuit breaker is open (it failed every recent call): the call failed fast, unsent. */
export class CircuitOpenError extends BackendCallError {
  override readonly code = 'circuit_open';
  /** When the breaker lets a probe call through again (epoch ms). */
  readonly retryAt: number;
  constructor(options: { backend: string; message: string; retryAt: number }) {
    super({ backend: options.backend, message: options.message, isRetryable: false });
    this.retryAt = options.retryAt;
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
