import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DiffalignError, UnknownModelError } from '../ports/errors.js';
import { HttpError, InternalServerError, PROBLEM_CONTENT_TYPE, MalformedRequestError, NotFoundError, ValidationFailedError } from './http-errors.js';
import { silentLogger } from './logger.js';
import { CorruptRecordError } from '../records/corrupt-record-error.js';
import type {} from './middleware/index.js';

/** Maps any thrown value to the HttpError the client sees: the one place errors become problem+json. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof UnknownModelError) {
    return new ValidationFailedError(error.message, [{ name: 'model', reason: error.message }]);
  }
  if (error instanceof HTTPException) {
    if (error.status === 404) return new NotFoundError(error.message || 'not found');
    if (error.status === 400) return new MalformedRequestError(error.message || 'malformed request', { cause: error });
  }
  // a stored record that cannot be read is the server's fault (500), never the request's: no SyntaxError is taken for bad input
  if (error instanceof CorruptRecordError) return new InternalServerError({ cause: error, code: 'corrupt_record', detail: error.message, generationId: error.generationId });
  return new InternalServerError({ cause: error });
}

/**
 * Hono `onError` handler: logs, answers problem+json.
 *
 * Logging choice: a 4xx is the client's mistake, not the server's, so it gets no line of its own; its
 * `code` goes on the request's `info` line (`requestLogger`). A 5xx gets an `error` line with its code:
 * without a stack when it is an expected problem (upstream failed, deadline, 503), with the stack of the
 * original error when it is unexpected (500 `internal_error`).
 */
export function handleError(error: Error, c: Context): Response {
  const httpError = toHttpError(error);
  if (httpError.status >= 500) {
    const logger = c.get('logger') ?? silentLogger;
    if (httpError instanceof InternalServerError) {
      const code = DiffalignError.isInstance(error) ? error.code : 'unexpected';
      logger.error({ status: httpError.status, code: httpError.code, error: { name: error.name, code, message: error.message, stack: error.stack } }, error.message);
    } else {
      logger.error({ status: httpError.status, code: httpError.code }, httpError.message);
    }
  }
  return problemResponse(httpError, c);
}

/** The problem+json answer of an HttpError (with its `Allow` / `Retry-After`), and its code noted for the request log. */
export function problemResponse(httpError: HttpError, c: Context): Response {
  c.set('problemCode', httpError.code);
  const body = { ...httpError.toJSON(), instance: c.req.path };
  return new Response(JSON.stringify(body), { status: httpError.status, headers: { ...httpError.responseHeaders(), 'content-type': PROBLEM_CONTENT_TYPE } });
}
