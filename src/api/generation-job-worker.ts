import type { GenerationPlan } from '../engine/generation-plan.js';
import { DiffalignError } from '../ports/errors.js';
import type { GenerationJob } from '../ports/job-runner.js';
import type { StoredGeneration } from '../records/generation-store.js';
import { InstanceLiveness } from '../records/instance-liveness.js';
import { newUuidV7 } from '../records/uuid-v7.js';
import type { AppDeps } from './app-deps.js';
import { isTerminal } from './generation-events.js';
import { type AcceptedGeneration, initialRecord } from './generation-runner.js';
import { GenerationSupervisor } from './generation-supervisor.js';
import { type Logger, silentLogger } from './logger.js';
import type { GenerationRecord } from './schemas/generation-record.js';
import { abandonedGeneration, superviseGeneration } from './supervised-generation.js';
import { TenantGenerationStores } from './tenant-generation-stores.js';

/** What became of one job. */
export type JobOutcome =
  /** It ran here to its final record (whatever its status). */
  | { readonly kind: 'ran'; readonly record: GenerationRecord }
  /** Nothing to do: no such generation, it already ended, another live process owns it, or another worker claimed it first. */
  | { readonly kind: 'skipped'; readonly reason: 'missing' | 'finished' | 'owned' | 'claimed_elsewhere' | 'no_plan'; readonly record?: GenerationRecord }
  /** Cancelled before it started: finalised `cancelled` without running. */
  | { readonly kind: 'cancelled'; readonly record: GenerationRecord };

/** Options of one run. */
export interface JobRunOptions {
  /** Epoch ms by which the run must be over (the invocation's time limit minus a margin); the engine's deadline is cut to it. */
  readonly runUntil?: number;
}

/**
 * Runs queued generations handed over by the API (the Lambda `worker` export): loads the durable record,
 * claims it with a compare-and-swap write (so of two deliveries of one job exactly one runs it; async
 * invocations are at-least-once), and runs its stored plan on this process's supervisor, journaled as
 * the API would. Idempotent: a generation that already ended, or that a live process owns, is left alone.
 * One whose owner died (a worker killed mid-run, retried by Lambda) runs again from its plan: its images
 * are deleted first (they are written create-only) and its event log goes on, so a follower sees the
 * first attempt's events, then the new run's, then `done`.
 */
export class GenerationJobWorker {
  private readonly liveness: InstanceLiveness;
  private readonly supervisor: GenerationSupervisor;
  private readonly stores: TenantGenerationStores;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Tenants of the generations running here (their cancel markers are polled on every heartbeat). */
  private readonly running = new Map<string, string>();

  constructor(private readonly deps: AppDeps) {
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger ?? silentLogger;
    this.liveness = new InstanceLiveness(deps.store, newUuidV7(this.now()), deps.heartbeatMs ?? 5_000, deps.processInfo ?? {}, this.now);
    this.supervisor = deps.supervisor ?? new GenerationSupervisor({ maxRunning: deps.maxRunning ?? 4, maxQueued: deps.maxQueued ?? 64, logger: this.logger });
    this.stores = new TenantGenerationStores(deps.store);
    this.liveness.onTick(() => {
      for (const [id, tenant] of this.running) {
        void this.stores.of(tenant).cancelRequested(id).then(
          (requested) => requested && this.supervisor.get(id)?.stop('cancelled'),
          () => undefined,
        );
      }
    });
  }

  /** Runs one job to its end (or says why not); throws only when the store fails, so the runner may retry it. */
  async run(job: GenerationJob, options: JobRunOptions = {}): Promise<JobOutcome> {
    const store = this.stores.of(job.tenant);
    const logger = this.logger.child({ generation_id: job.generationId, ...(job.requestId ? { request_id: job.requestId } : {}) });
    const versioned = await store.loadVersioned(job.generationId);
    if (!versioned) {
      logger.warn({}, 'job for a generation that does not exist; nothing to run');
      return { kind: 'skipped', reason: 'missing' };
    }
    const { stored, etag } = versioned;
    const { record } = stored;
    if (isTerminal(record)) return { kind: 'skipped', reason: 'finished', record };
    if (await this.ownedByLiveProcess(stored)) return { kind: 'skipped', reason: 'owned', record };
    const plan = stored.plan as GenerationPlan | undefined;
    if (plan === undefined) {
      logger.warn({}, 'the stored generation has no plan; it cannot be run here');
      return { kind: 'skipped', reason: 'no_plan', record };
    }
    const accepted: AcceptedGeneration = {
      id: record.id,
      plan,
      ...(record.metadata ? { metadata: record.metadata } : {}),
      ...(record.webhook ? { webhook: record.webhook } : {}),
      baseUrl: this.deps.publicUrl ?? '',
      ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
      ...(options.runUntil === undefined ? {} : { runUntil: options.runUntil }),
    };
    const restart = record.status === 'running' || (stored.owner !== undefined && stored.owner.pendingUntil === undefined);
    // a run that died is redone from its plan: the queued record again, under the same id and creation time
    const fresh = restart ? initialRecord(accepted, Date.parse(record.created_at), 'queued') : record;
    const claimed: StoredGeneration<GenerationRecord> = { record: fresh, owner: this.liveness.self, events: stored.events, plan };

    this.supervisor.reserve();
    try {
      await this.liveness.start();
      await store.save(claimed, { ifMatch: etag });
    } catch (error) {
      this.supervisor.release();
      // by code, not class: the adapter's error may come from another copy of the module
      if (DiffalignError.isInstance(error) && error.code === 'blob_precondition_failed') {
        logger.info({}, 'another worker claimed the job first');
        return { kind: 'skipped', reason: 'claimed_elsewhere', record };
      }
      throw error;
    }
    if (await store.cancelRequested(record.id)) {
      this.supervisor.release();
      const cancelled = abandonedGeneration(claimed, 'cancelled', new Date(this.now()).toISOString());
      await store.save(cancelled);
      return { kind: 'cancelled', record: cancelled.record };
    }
    if (restart) {
      logger.warn({ previous_owner: stored.owner?.instance }, 'the process running this generation died; running it again from its plan');
      await store.deleteImages(record.id);
    }
    this.running.set(record.id, job.tenant);
    const live = superviseGeneration(accepted, claimed, { deps: this.deps, store, supervisor: this.supervisor, owner: this.liveness.self, logger: this.logger, now: this.now });
    try {
      return { kind: 'ran', record: await live.done };
    } finally {
      this.running.delete(record.id);
    }
  }

  /** Stops heart-beating and writes that this worker is gone (readers then know at once). */
  async close(): Promise<void> {
    await this.liveness.stop(true);
  }

  /** Whether a process that is still alive owns the generation (a hand-over to a job runner is no owner). */
  private async ownedByLiveProcess(stored: StoredGeneration<GenerationRecord>): Promise<boolean> {
    const owner = stored.owner;
    if (owner === undefined || owner.pendingUntil !== undefined) return false;
    // this process (a reused sandbox) owns it only while its supervisor still runs it
    if (owner.instance === this.liveness.self.instance) return this.supervisor.get(stored.record.id) !== undefined;
    return this.liveness.isAlive(owner);
  }
}
