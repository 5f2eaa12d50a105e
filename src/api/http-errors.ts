import { DiffalignError } from '../ports/errors.js';

/** Media type of every error body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

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
  readonly code: string;
  readonly instance?: string;
  readonly invalid_params?: readonly InvalidParam[];
}

/** An error that knows its HTTP status and serializes itself as problem+json. */
export abstract class HttpError extends DiffalignError {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly invalidParams: readonly InvalidParam[] | undefined;

  constructor(code: string, detail: string, options?: { cause?: unknown; invalidParams?: readonly InvalidParam[] }) {
    super(code, detail, options);
    this.invalidParams = options?.invalidParams;
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
    };
  }

  /** Headers the answer carries besides the content type (`Retry-After`, `Allow`). */
  responseHeaders(): Record<string, string> {
    return {};
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
  constructor(detail: string, options?: { cause?: unknown }) {
    super('upstream_failed', detail, options);
  }
}

/** 500: anything unexpected; the detail never leaks internals. */
export class InternalServerError extends HttpError {
  readonly status = 500;
  readonly title = 'Internal server error';
  constructor(options?: { cause?: unknown }) {
    super('internal_error', 'the server failed to process the request; try again later', options);
  }
}

/** 504: the deadline passed before a single image could be generated and scored (the record is kept, `failed`). */
export class DeadlineExceededError extends HttpError {
  readonly status = 504;
  readonly title = 'Deadline exceeded';
  constructor(detail: string) {
    super('deadline_exceeded', detail);
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
  constructor(code: string, detail: string) {
    super(code, detail);
  }
}
