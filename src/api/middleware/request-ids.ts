import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';

/** Header that carries the request id, both ways. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

const MAX_REQUEST_ID_LENGTH = 128;

/**
 * Gives every request an id (`c.get('requestId')`): the client's `X-Request-Id` when it is 1–128 of
 * `[A-Za-z0-9_=-]` (Hono's `requestId` rule), else a new UUID; and makes every answer carry it, also the
 * ones a handler builds as a bare `Response` (Hono merges the header only into answers made with `c.*`).
 */
export const requestIds = (): MiddlewareHandler => {
  const assign = requestId({ headerName: REQUEST_ID_HEADER, limitLength: MAX_REQUEST_ID_LENGTH });
  return async function requestIds(c, next) {
    await assign(c, async () => {
      await next();
      if (!c.res.headers.has(REQUEST_ID_HEADER)) c.header(REQUEST_ID_HEADER, c.get('requestId'));
    });
  };
};
