import { z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { erasureKey } from '../../records/generation-layout.js';
import { newUuidV7 } from '../../records/uuid-v7.js';
import type { AppDeps } from '../app-deps.js';
import { requestTenant } from '../auth/request-tenant.js';
import { readJsonBody } from '../read-json-body.js';
import type { ErasureTombstone } from '../schemas/feedback.js';

const encoder = new TextEncoder();

/** Body of `POST /v1/erasures`. */
export const erasureRequestSchema = z
  .object({ app_user: z.string().min(1).max(128).openapi({ description: 'The pseudonymous user id the app sent in feedback and metadata.' }) })
  .strict()
  .openapi('ErasureRequest');

/**
 * Mounts `POST /v1/erasures`: a person takes their data back. It writes a tombstone
 * (`erasures/tenant=<t>/<id>.json`) that every later harvest honours: that app user's feedback events and
 * the generations whose `metadata.app_user` names them are left out of every dataset.
 */
export function mountErasureRoutes(app: Hono, deps: AppDeps): void {
  const now = deps.now ?? Date.now;
  app.post('/v1/erasures', async (c) => {
    const request = await readJsonBody(c, erasureRequestSchema, 16 * 1024);
    const tenant = requestTenant(c);
    const requestedAt = new Date(now());
    const tombstone: ErasureTombstone = { tenant, app_user: request.app_user, requested_at: requestedAt.toISOString(), erasure_id: newUuidV7(requestedAt.getTime()) };
    await deps.store.put(erasureKey(tenant, tombstone.erasure_id), encoder.encode(`${JSON.stringify(tombstone)}\n`), { contentType: 'application/json', createOnly: true });
    return c.json({ object: 'erasure' as const, ...tombstone }, 202);
  });
}
