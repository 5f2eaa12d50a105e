import type { TenantLimits } from '../limits/tenant-limits.js';

export { API_KEY_PREFIX, apiKeyDigest, keyIdOf, newApiKey } from './api-key.js';
export { type ApiKeyDocument, apiKeyDocumentKey, API_KEYS_PREFIX, TENANT_NAME } from './api-key-document.js';
export { ApiKeyNotFoundError, InvalidTenantNameError } from './api-key-errors.js';
export { type ApiKeyListing, ApiKeyStore, type ApiKeyStoreOptions, type ApiKeyVerdict, DEFAULT_KEY_CACHE_TTL_MS } from './api-key-store.js';
export { authenticate, type AuthenticateOptions, type AuthMode } from './authenticate.js';
export { constantTimeEqual } from './constant-time-equal.js';
export { requestTenant } from './request-tenant.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's tenant: its API key's, or DIFFALIGN_TENANT while auth is off (set by `authenticate`). */
    tenant: string;
    /** Id of the API key the request was made with (never the key itself); absent while auth is off. */
    apiKeyId: string;
    /** The limits the request is held to (set by `authenticate`). */
    limits: TenantLimits;
  }
}
