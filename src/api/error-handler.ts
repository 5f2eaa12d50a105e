import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DiffalignError, UnknownModelError } from '../ports/errors.js';
import { HttpError, InternalServerError, PROBLEM_CONTENT_TYPE, MalformedRequestError, NotFoundError, ValidationFailedError } from './http-errors.js';

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
  if (error instanceof SyntaxError) return new MalformedRequestError(`request body is not valid JSON: ${error.message}`, { cause: error });
  return new InternalServerError({ cause: error });
}

/** Hono `onError` handler: logs unexpected failures, answers problem+json. */
export function handleError(error: Error, c: Context): Response {
  const httpError = toHttpError(error);
  if (httpError.status >= 500) {
    const code = DiffalignError.isInstance(error) ? error.code : 'unexpected';
    console.error(JSON.stringify({ level: 'error', code, path: c.req.path, message: error.message, stack: error.stack }));
  }
  const body = { ...httpError.toJSON(), instance: c.req.path };
  return new Response(JSON.stringify(body), { status: httpError.status, headers: { ...httpError.responseHeaders(), 'content-type': PROBLEM_CONTENT_TYPE } });
}
