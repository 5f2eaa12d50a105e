import type { MiddlewareHandler } from 'hono';
import { IdempotencyStore, type StoredResponse } from '../idempotency/idempotency-store.js';
import type {} from '../auth/index.js';
import { ConflictError, HttpError, InternalServerError, MalformedRequestError } from '../http-errors.js';
import { readBodyText } from '../read-json-body.js';

/** Header carrying the key (IETF draft `Idempotency-Key`). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Response headers kept with a replayed response. */
const KEPT_HEADERS = ['content-type', 'location', 'preference-applied'];

/** Options of the idempotency middleware. */
export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** Tenant of requests that reach it without one on the context (`c.get('tenant')`, set by `authenticate`, wins). */
  readonly tenant?: string;
  readonly maxBodyBytes: number;
  /** How long a duplicate waits for the first request to finish before it is told 409 (default 60 s). */
  readonly waitMs?: number;
}

/** 422: the key was used before with a different request. */
export class IdempotencyKeyReusedError extends HttpError {
  readonly status = 422;
  readonly title = 'Idempotency key reused';
  constructor() {
    super('idempotency_key_reused', 'this Idempotency-Key was used with a different request; use a new key for a new request');
  }
}

/** 409: the first request with this key is still running. */
export class IdempotencyInProgressError extends ConflictError {
  constructor(private readonly retryAfterSeconds: number) {
    super('idempotency_in_progress', 'a request with this Idempotency-Key is still running; retry after Retry-After seconds to get its response');
  }

  override responseHeaders(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/**
 * `Idempotency-Key` on a POST route (Powertools' idempotency semantics, IETF draft header): the first
 * request runs and its answer is kept; the same key and body replays that answer with
 * `Idempotent-Replayed: true`; the same key with another body is 422; a duplicate that arrives while
 * the first runs waits for it (up to `waitMs`, then 409 with Retry-After), so concurrent duplicates run
 * once and all get the same body. A first request that fails (4xx/5xx) releases its key, so a retry
 * runs again. A streamed (SSE) answer is kept as a 303 to the generation's event stream.
 */
export const idempotency = (options: IdempotencyOptions): MiddlewareHandler =>
  async function idempotency(c, next) {
    const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
    if (key === undefined) return next();
    if (!KEY.test(key)) throw new MalformedRequestError(`${IDEMPOTENCY_KEY_HEADER} must be 1-255 visible ASCII characters`);
    const body = await readBodyText(c, options.maxBodyBytes);
    const hash = await IdempotencyStore.requestHash(c.req.method, c.req.path, body);
    const waitMs = options.waitMs ?? 60_000;
    // keys are per tenant: another tenant's identical key and body is a different request
    const tenant = c.get('tenant') ?? options.tenant;
    if (tenant === undefined) throw new InternalServerError({ cause: new Error('idempotency: no tenant on the context and none configured') });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const claim = await options.store.claim(tenant, key, hash);
      if (claim.kind === 'mismatch') throw new IdempotencyKeyReusedError();
      if (claim.kind === 'replay') return replay(claim.response);
      if (claim.kind === 'in_progress') {
        await options.store.waitForCompletion(tenant, key, waitMs);
        if (attempt === 0) continue;
        throw new IdempotencyInProgressError(5);
      }
      try {
        await next();
      } catch (error) {
        await options.store.abandon(tenant, key);
        throw error;
      }
      const response = c.res;
      if (response.status >= 400 || c.error) {
        await options.store.abandon(tenant, key);
        return;
      }
      await options.store.complete(tenant, key, hash, await keptResponse(response));
      return;
    }
    throw new IdempotencyInProgressError(5);
  };

async function keptResponse(response: Response): Promise<StoredResponse> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  if ((headers['content-type'] ?? '').includes('text/event-stream')) {
    // the stream cannot be kept: a replay is sent to the generation's own event stream
    return { status: 303, headers: { location: `${headers['location'] ?? ''}/events` }, body: '' };
  }
  return { status: response.status, headers, body: await response.clone().text() };
}

function replay(stored: StoredResponse): Response {
  return new Response(stored.status === 303 || stored.body === '' ? null : stored.body, {
    status: stored.status,
    headers: { ...stored.headers, 'idempotent-replayed': 'true' },
  });
}
