import { z } from 'zod';
import { tenantLimitOverridesSchema } from '../limits/tenant-limits.js';

/** Tenant names: what storage keys carry (`generations/<tenant>/…`), as DIFFALIGN_TENANT. */
export const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** What `keys/<key id>.json` holds: never the key, only the SHA-256 of it. */
export const apiKeyDocumentSchema = z.object({
  key_id: z.string().regex(/^[0-9a-f]{16}$/),
  tenant: z.string().regex(TENANT_NAME),
  /** Lowercase hex SHA-256 of the whole key (`da_<key id>_<secret>`). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.iso.datetime(),
  revoked_at: z.iso.datetime().optional(),
  label: z.string().max(200).optional(),
  /** Overrides of the tenant's default limits for requests made with this key. */
  limits: tenantLimitOverridesSchema.optional(),
  /** Secret that signs the webhooks of generations requested with this key (Standard Webhooks `whsec_…`); keys made before webhooks have none. */
  webhook_secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/).optional(),
});

/** A stored API key document. */
export type ApiKeyDocument = z.infer<typeof apiKeyDocumentSchema>;

/** Prefix of every key document on the store. */
export const API_KEYS_PREFIX = 'keys/';

/** Where a key's document lives: `keys/<key id>.json`. */
export function apiKeyDocumentKey(keyId: string): string {
  return `${API_KEYS_PREFIX}${keyId}.json`;
}
