import type { Hono, MiddlewareHandler } from 'hono';
import type { GenerationStore } from '../../records/generation-store.js';
import { feedbackBatchKey } from '../../records/generation-layout.js';
import { isUuidV7, newUuidV7 } from '../../records/uuid-v7.js';
import type { AppDeps } from '../app-deps.js';
import { requestTenant } from '../auth/request-tenant.js';
import { type InvalidParam, ValidationFailedError } from '../http-errors.js';
import { readJsonBody } from '../read-json-body.js';
import type { GenerationRecord } from '../schemas/generation-record.js';
import { feedbackBatchSchema, type FeedbackEvent, type StoredFeedbackEvent } from '../schemas/feedback.js';
import type { TenantGenerationStores } from '../tenant-generation-stores.js';

const encoder = new TextEncoder();
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/**
 * Mounts `POST /v1/feedback`: a batch of events about this tenant's generations and candidates. Every
 * event must name a generation (and candidates) that exist, else 422 naming it and nothing is written;
 * the batch is stamped (event ids, server time) and written as one NDJSON object under
 * `feedback/tenant=<t>/dt=…/hour=…/<batch id>.ndjson`; `202` comes only after that write is durable.
 */
export function mountFeedbackRoutes(app: Hono, deps: AppDeps, idempotent: MiddlewareHandler, stores: TenantGenerationStores): void {
  const now = deps.now ?? Date.now;

  app.post('/v1/feedback', idempotent, async (c) => {
    const batch = await readJsonBody(c, feedbackBatchSchema, deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const tenant = requestTenant(c);
    // another tenant's generation is as unknown here as a missing one (422 naming the event)
    await checkReferences(batch.events, stores.of(tenant));
    const received = new Date(now());
    const batchId = newUuidV7(received.getTime());
    const stored: StoredFeedbackEvent[] = batch.events.map((event) => ({
      ...event,
      event_id: newUuidV7(received.getTime()),
      received_at: received.toISOString(),
      tenant,
    }));
    const body = encoder.encode(stored.map((event) => JSON.stringify(event)).join('\n') + '\n');
    await deps.store.put(feedbackBatchKey(tenant, received, batchId), body, { contentType: 'application/x-ndjson', createOnly: true });
    return c.json({ object: 'feedback_batch' as const, batch_id: batchId, accepted: stored.length, event_ids: stored.map((event) => event.event_id), received_at: received.toISOString() }, 202);
  });
}

/** 422 naming every event whose generation or candidate does not exist for this tenant. */
async function checkReferences(events: readonly FeedbackEvent[], generations: GenerationStore<GenerationRecord>): Promise<void> {
  const records = new Map<string, GenerationRecord | null>();
  for (const id of new Set(events.map((event) => event.generation_id))) {
    records.set(id, isUuidV7(id) ? await generations.loadRecord(id) : null);
  }
  const problems: InvalidParam[] = [];
  events.forEach((event, index) => {
    const record = records.get(event.generation_id);
    if (!record) {
      problems.push({ name: `events.${index}.generation_id`, reason: `no generation ${event.generation_id}` });
      return;
    }
    const known = new Set(record.candidates.map((candidate) => candidate.id));
    const named: [string, string][] = [];
    if (event.candidate_id !== undefined) named.push(['candidate_id', event.candidate_id]);
    event.candidate_ids?.forEach((id, position) => named.push([`candidate_ids.${position}`, id]));
    for (const [field, id] of named) {
      if (!known.has(id)) problems.push({ name: `events.${index}.${field}`, reason: `generation ${event.generation_id} has no candidate ${id}` });
    }
  });
  if (problems.length > 0) throw new ValidationFailedError(problems.map((problem) => `${problem.name}: ${problem.reason}`).join('; '), problems);
}
