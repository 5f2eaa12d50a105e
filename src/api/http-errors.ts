import { DiffalignError } from '../ports/errors.js';

/** Media type of every error body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Every `code` a problem answer can carry, the one list: error classes take a `ProblemCode` (so a code not
 * listed does not compile), the OpenAPI `ProblemCode` enum is this list, and a test checks every code the
 * server's error classes use. A new error class adds its code here.
 */
export const PROBLEM_CODES = [
  'malformed_request',
  'request_timeout',
  'request_header_fields_too_large',
  'unauthenticated',
  'invalid_api_key',
  'revoked_api_key',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'validation_failed',
  'budget_over_limit',
  'idempotency_key_reused',
  'idempotency_in_progress',
  'generation_finished',
  'generation_cancelled',
  'rate_limited',
  'too_many_generations',
  'internal_error',
  'corrupt_record',
  'upstream_failed',
  'overloaded',
  'shutting_down',
  'not_ready',
  'interrupted',
  'deadline_exceeded',
] as const;

/** A stable problem `code` (one of PROBLEM_CODES). */
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** One field-level complaint inside a validation problem. */
export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

/** The RFC 9457 problem document diffalign answers with, plus its stable `code`. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly instance?: string;
  readonly invalid_params?: readonly InvalidParam[];
  /** The generation a problem is about when its record is kept (a failed or cancelled generation). */
  readonly generation_id?: string;
}

/** An error that knows its HTTP status and serializes itself as problem+json. */
export abstract class HttpError extends DiffalignError {
  abstract readonly status: number;
  abstract readonly title: string;
  declare readonly code: ProblemCode;
  readonly invalidParams: readonly InvalidParam[] | undefined;
  /** The kept generation the problem is about: `generation_id` in the body, its record in `Location`. */
  readonly generationId: string | undefined;

  constructor(code: ProblemCode, detail: string, options?: { cause?: unknown; invalidParams?: readonly InvalidParam[]; generationId?: string }) {
    super(code, detail, options);
    this.invalidParams = options?.invalidParams;
    this.generationId = options?.generationId;
  }

  /** Problem type URI: stable per code, so clients can switch on it. */
  get type(): string {
    return `https://diffalign.dev/problems/${this.code.replaceAll('_', '-')}`;
  }

  toJSON(): ProblemDocument {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.invalidParams ? { invalid_params: this.invalidParams } : {}),
      ...(this.generationId ? { generation_id: this.generationId } : {}),
    };
  }

  /** Headers the answer carries besides the content type (`Retry-After`, `Allow`; `Location` of a kept generation). */
  responseHeaders(): Record<string, string> {
    return this.generationId ? { location: `/v1/generations/${this.generationId}` } : {};
  }

  getResponse(): Response {
    return new Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers: { ...this.responseHeaders(), 'content-type': PROBLEM_CONTENT_TYPE },
    });
  }
}

/** 400: the body is not what the endpoint reads at all (not JSON, wrong content type). */
export class MalformedRequestError extends HttpError {
  readonly status = 400;
  readonly title = 'Malformed request';
  constructor(detail: string, options?: { cause?: unknown }) {
    super('malformed_request', detail, options);
  }
}

/** 413: the body is larger than the API accepts. */
export class PayloadTooLargeError extends HttpError {
  readonly status = 413;
  readonly title = 'Payload too large';
  constructor(limitBytes: number) {
    super('payload_too_large', `request body exceeds ${limitBytes} bytes; send a smaller body`);
  }
}

/** 422: well-formed JSON that breaks the request schema or a limit. */
export class ValidationFailedError extends HttpError {
  readonly status = 422;
  readonly title = 'Validation failed';
  constructor(detail: string, invalidParams: readonly InvalidParam[]) {
    super('validation_failed', detail, { invalidParams });
  }
}

/** 404: no such generation, candidate or route. */
export class NotFoundError extends HttpError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(detail: string) {
    super('not_found', detail);
  }
}

/** 502: every candidate of a request failed at the inference backend. */
export class UpstreamFailedError extends HttpError {
  readonly status = 502;
  readonly title = 'Inference backend failed';
  constructor(detail: string, options?: { cause?: unknown; generationId?: string }) {
    super('upstream_failed', detail, options);
  }
}

/** 500: anything unexpected (`internal_error`), or a stored record that cannot be read (`corrupt_record`); the detail never leaks internals. */
export class InternalServerError extends HttpError {
  readonly status = 500;
  readonly title = 'Internal server error';
  constructor(options?: { cause?: unknown; generationId?: string; code?: 'internal_error' | 'corrupt_record'; detail?: string }) {
    super(options?.code ?? 'internal_error', options?.detail ?? 'the server failed to process the request; try again later', options);
  }
}

/** 504: the deadline passed before a single image could be generated and scored (the record is kept, `failed`). */
export class DeadlineExceededError extends HttpError {
  readonly status = 504;
  readonly title = 'Deadline exceeded';
  constructor(detail: string, options?: { generationId?: string }) {
    super('deadline_exceeded', detail, options);
  }
}

/** 503: the server is at capacity (queue full) or shutting down; `Retry-After` says when to try again. */
export class ServiceUnavailableError extends HttpError {
  readonly status = 503;
  readonly title = 'Service unavailable';
  readonly retryAfterSeconds: number;
  constructor(code: 'overloaded' | 'shutting_down' | 'not_ready', detail: string, retryAfterSeconds: number) {
    super(code, detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  override responseHeaders(): Record<string, string> {
    return { 'retry-after': String(Math.max(1, Math.ceil(this.retryAfterSeconds))) };
  }
}

/** 405: the path exists but not for this method; `Allow` lists the methods it has. */
export class MethodNotAllowedError extends HttpError {
  readonly status = 405;
  readonly title = 'Method not allowed';
  readonly allow: readonly string[];
  constructor(method: string, path: string, allow: readonly string[]) {
    super('method_not_allowed', `${method} is not allowed on ${path}; allowed: ${allow.join(', ')}`);
    this.allow = allow;
  }

  override responseHeaders(): Record<string, string> {
    return { allow: this.allow.join(', ') };
  }
}

/** 409: the request conflicts with the resource's state (cancelling a generation that already ended). */
export class ConflictError extends HttpError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(code: 'generation_finished' | 'generation_cancelled' | 'idempotency_in_progress', detail: string, options?: { generationId?: string }) {
    super(code, detail, options);
  }
}

/** Realm named in `WWW-Authenticate` (RFC 6750). */
const BEARER_REALM = 'diffalign';

/** 401: the request carries no usable API key; `WWW-Authenticate: Bearer` says how to authenticate (RFC 6750). */
export abstract class AuthenticationError extends HttpError {
  readonly status = 401;
  readonly title = 'Unauthenticated';

  override responseHeaders(): Record<string, string> {
    // RFC 6750 §3: no error attribute when the request carried no credentials; `invalid_token` otherwise
    const error = this.code === 'unauthenticated' ? '' : `, error="invalid_token", error_description="${this.message.replaceAll('"', "'")}"`;
    return { 'www-authenticate': `Bearer realm="${BEARER_REALM}"${error}` };
  }
}

/** 401: no `Authorization` header while auth is on. */
export class UnauthenticatedError extends AuthenticationError {
  constructor() {
    super('unauthenticated', 'this API needs an API key: send Authorization: Bearer <key> (create one with `npx diffalign keys create --tenant NAME`)');
  }
}

/** 401: the `Authorization` header is not a Bearer diffalign key, or names no stored key, or its secret is wrong. */
export class InvalidApiKeyError extends AuthenticationError {
  constructor(detail = 'the API key is not valid') {
    super('invalid_api_key', detail);
  }
}

/** 401: the key was right once but has been revoked (`npx diffalign keys revoke KEY_ID`). */
export class RevokedApiKeyError extends AuthenticationError {
  constructor(keyId: string) {
    super('revoked_api_key', `API key ${keyId} has been revoked; use another key`);
  }
}

/** 429: the tenant is over a limit (requests per minute, generations in flight); `Retry-After` says when to try again. */
export class TooManyRequestsError extends HttpError {
  readonly status = 429;
  readonly title = 'Too many requests';
  readonly retryAfterSeconds: number;
  /** The limit that was reached. */
  readonly limit: number;
  constructor(code: 'rate_limited' | 'too_many_generations', detail: string, limit: number, retryAfterSeconds: number) {
    super(code, detail);
    this.limit = limit;
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }

  override toJSON(): ProblemDocument & { readonly limit: number; readonly retry_after_seconds: number } {
    return { ...super.toJSON(), limit: this.limit, retry_after_seconds: this.retryAfterSeconds };
  }

  override responseHeaders(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/** 422: the request asks for a larger `search.budget` than its tenant may spend per request. */
export class BudgetOverLimitError extends HttpError {
  readonly status = 422;
  readonly title = 'Budget over limit';
  readonly limit: number;
  constructor(budget: number, limit: number) {
    super('budget_over_limit', `search.budget ${budget} is over this tenant's limit of ${limit} images per request; ask for at most ${limit}`, {
      invalidParams: [{ name: 'search.budget', reason: `at most ${limit} images per request for this tenant` }],
    });
    this.limit = limit;
  }

  override toJSON(): ProblemDocument & { readonly limit: number } {
    return { ...super.toJSON(), limit: this.limit };
  }
}
