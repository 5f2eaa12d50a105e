import { z } from 'zod';
import { LIMITS } from '../schemas/generation-request.js';

/** The limits one tenant's requests are held to (per process: see the README on Lambda). */
export interface TenantLimits {
  /** Requests per minute under `/v1` (a token bucket that holds a minute's worth); Infinity: unlimited. */
  readonly ratePerMinute: number;
  /** Generations of the tenant in flight (queued or running) in this process at once; Infinity: unlimited. */
  readonly maxRunning: number;
  /** Largest `search.budget` (images) one request may ask for. */
  readonly maxBudget: number;
}

/** No limit beyond the request schema's own: what `createApp` applies when it is given none. */
export const UNLIMITED: TenantLimits = { ratePerMinute: Number.POSITIVE_INFINITY, maxRunning: Number.POSITIVE_INFINITY, maxBudget: LIMITS.budget };

/** Per-tenant overrides an API key document may carry (`limits` in `keys/<id>.json`); absent fields keep the defaults. */
export const tenantLimitOverridesSchema = z
  .object({
    rate_per_minute: z.number().int().min(1).max(1_000_000).optional(),
    max_running: z.number().int().min(1).max(1024).optional(),
    max_budget: z.number().int().min(1).max(LIMITS.budget).optional(),
  })
  .strict();

/** Overrides as stored. */
export type TenantLimitOverrides = z.infer<typeof tenantLimitOverridesSchema>;

/** The defaults with a key's overrides applied. */
export function withOverrides(defaults: TenantLimits, overrides: TenantLimitOverrides | undefined): TenantLimits {
  if (!overrides) return defaults;
  return {
    ratePerMinute: overrides.rate_per_minute ?? defaults.ratePerMinute,
    maxRunning: overrides.max_running ?? defaults.maxRunning,
    maxBudget: overrides.max_budget ?? defaults.maxBudget,
  };
}
