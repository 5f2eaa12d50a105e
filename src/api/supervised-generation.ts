import type { StopReason } from '../engine/generation-plan.js';
import { withClosingEvents } from '../records/generation-event-log.js';
import type { GenerationStore, StoredGeneration } from '../records/generation-store.js';
import type { InstanceRef } from '../records/instance-liveness.js';
import type { AppDeps } from './app-deps.js';
import { type AcceptedGeneration, interruptedRecord, runAndRecord } from './generation-runner.js';
import { type GenerationSupervisor, LiveGeneration } from './generation-supervisor.js';
import type { Logger } from './logger.js';
import type { GenerationRecord } from './schemas/generation-record.js';
import { webhookDispatcherFor } from './webhooks/app-webhooks.js';

/** Where a supervised generation runs and writes: the same for the HTTP routes and the job worker. */
export interface SupervisionContext {
  readonly deps: AppDeps;
  readonly store: GenerationStore<GenerationRecord>;
  readonly supervisor: GenerationSupervisor;
  /** The instance that owns it while it runs (the process's liveness). */
  readonly owner: InstanceRef;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * Hands a generation whose stored document (`queued`: record, owner, events, plan) is durable to the
 * supervisor, holding the place `supervisor.reserve()` gave it: it runs when a slot frees up (journaled
 * by runAndRecord), and one stopped before it started is finalised and written. Returns the live
 * generation, whose `done` resolves with the final record.
 */
export function superviseGeneration(accepted: AcceptedGeneration, queued: StoredGeneration<GenerationRecord>, context: SupervisionContext): LiveGeneration {
  const { deps, store, supervisor, owner, logger, now } = context;
  const live = new LiveGeneration(accepted.id, queued.record);
  live.publish(queued.events, queued.record);
  webhookDispatcherFor(deps).watch(live, store);
  return supervisor.submit(live, {
    run: (current) => runAndRecord(accepted, { deps, store, owner, live: current, queued, logger }),
    abandon: async (current, reason) => {
      const stored = abandonedGeneration({ record: current.record, events: current.entries }, reason, new Date(now()).toISOString());
      await store.save(stored).catch((error: unknown) => logger.error({ generation_id: accepted.id, err: String(error) }, 'could not write the final record'));
      current.publish(stored.events.slice(current.entries.length), stored.record);
      return stored.record;
    },
  });
}

/** The final stored generation of one stopped before it started (while queued). */
export function abandonedGeneration(stored: StoredGeneration<GenerationRecord>, reason: StopReason, completedAt: string): StoredGeneration<GenerationRecord> {
  if (reason === 'shutdown' || reason === 'deadline') {
    return interruptedRecord(stored, new Set(), '', completedAt, 'the server shut down before the generation started; submit it again');
  }
  const code = reason === 'client' ? 'client_disconnected' : 'cancelled';
  const message = reason === 'client' ? 'the client went away before the generation started' : 'the generation was cancelled before it started';
  return {
    record: { ...stored.record, status: 'cancelled', error: { code, message }, stop_reason: reason, truncated: true, completed_at: completedAt },
    events: withClosingEvents(stored.events),
  };
}
