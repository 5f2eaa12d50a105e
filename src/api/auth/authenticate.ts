import type { MiddlewareHandler } from 'hono';
import { InvalidApiKeyError, RevokedApiKeyError, UnauthenticatedError } from '../http-errors.js';
import { type TenantLimits, UNLIMITED, withOverrides } from '../limits/tenant-limits.js';
import type { ApiKeyStore } from './api-key-store.js';

/** How auth is decided: `auto` is on once any key exists in the store; `required` is always on. */
export type AuthMode = 'auto' | 'required';

/** Options of the `authenticate` middleware. */
export interface AuthenticateOptions {
  readonly keys: ApiKeyStore;
  readonly mode: AuthMode;
  /** Tenant of every request while auth is off (DIFFALIGN_TENANT). */
  readonly defaultTenant: string;
  /** Limits of keyed tenants, before a key's own overrides. */
  readonly limits: TenantLimits;
  /** Told once, when the first key is seen and auth switches on in this process. */
  readonly onAuthEnabled?: () => void;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * `Authorization: Bearer <API key>` on every request it guards. With auth on, a request without a valid,
 * unrevoked key is 401 problem+json with `WWW-Authenticate: Bearer`; one with a key gets its tenant,
 * key id and limits on the context (`tenant`, `apiKeyId`, `limits`) and on its logger. With auth off
 * (`auto` and no key in the store) every request is the default tenant's, and only the budget limit
 * applies (one local user on loopback: no request-rate or in-flight limits).
 */
export const authenticate = (options: AuthenticateOptions): MiddlewareHandler => {
  let announced = false;
  const offLimits: TenantLimits = { ...UNLIMITED, maxBudget: options.limits.maxBudget };
  return async function authenticate(c, next) {
    const on = options.mode === 'required' || (await options.keys.anyExists());
    if (!on) {
      c.set('tenant', options.defaultTenant);
      c.set('limits', offLimits);
      return next();
    }
    if (!announced && options.mode === 'auto') {
      announced = true;
      options.onAuthEnabled?.();
    }
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') throw new UnauthenticatedError();
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw new InvalidApiKeyError('the Authorization header must be `Bearer <API key>`');
    const verdict = await options.keys.verify(token);
    if (verdict.kind === 'malformed') throw new InvalidApiKeyError('the bearer token is not a diffalign API key (da_<key id>_<secret>)');
    if (verdict.kind === 'wrong') throw new InvalidApiKeyError();
    if (verdict.kind === 'revoked') throw new RevokedApiKeyError(verdict.keyId);
    const { document } = verdict;
    c.set('tenant', document.tenant);
    c.set('apiKeyId', document.key_id);
    c.set('limits', withOverrides(options.limits, document.limits));
    c.set('logger', c.get('logger').child({ tenant: document.tenant, key_id: document.key_id }));
    return next();
  };
};
