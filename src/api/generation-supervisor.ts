import PQueue from 'p-queue';
import type { StopReason } from '../engine/generation-plan.js';
import { abortsInFlight, stopReasonOf } from '../engine/index.js';
import type { GenerationEventEntry } from '../records/generation-event-log.js';
import { type GenerationSseEvent, renderEvent } from './generation-events.js';
import { ServiceUnavailableError } from './http-errors.js';
import { type Logger, silentLogger } from './logger.js';
import type { GenerationRecord } from './schemas/generation-record.js';

/** Limits and hooks of a supervisor. */
export interface GenerationSupervisorOptions {
  /** Generations running at once in this process. */
  readonly maxRunning: number;
  /** Generations that may wait for a slot; past that admission answers 503 with Retry-After. */
  readonly maxQueued: number;
  readonly logger?: Logger;
}

/** How long a generation is expected to take before any has finished here (for Retry-After). */
const INITIAL_DURATION_MS = 5_000;
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * One generation this process owns, from admission to its final record: its durable event log (what the
 * journal has written), the latest durable record, listeners of its event stream, and its stop signals.
 */
export class LiveGeneration {
  readonly entries: GenerationEventEntry[] = [];
  record: GenerationRecord;
  /** Soft stop: nothing new starts, in-flight work finishes (client gone, cancelled). */
  readonly stopController = new AbortController();
  /** Hard stop: in-flight work is aborted (shutdown). */
  readonly abortController = new AbortController();
  /** Whether it waits in the queue (not started). */
  queued = true;
  /** Takes it out of the queue when stopped before it started (p-queue would also race a running task with it). */
  readonly dequeueController = new AbortController();
  private readonly listeners = new Set<(events: readonly GenerationSseEvent[]) => void>();
  private resolveDone!: (record: GenerationRecord) => void;
  /** The final record, once written. */
  readonly done: Promise<GenerationRecord>;

  constructor(
    readonly id: string,
    initial: GenerationRecord,
  ) {
    this.record = initial;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Entries that became durable, with the record written alongside: sent to every listener. */
  publish(entries: readonly GenerationEventEntry[], record: GenerationRecord): void {
    this.entries.push(...entries);
    this.record = record;
    const events = entries.map((entry) => renderEvent(entry, record));
    for (const listener of this.listeners) listener(events);
  }

  /** Replays the durable events after `afterId`, then streams new ones; returns the unsubscribe function. */
  subscribe(afterId: number, listener: (events: readonly GenerationSseEvent[]) => void): () => void {
    const replay = this.entries.filter((entry) => entry.id > afterId).map((entry) => renderEvent(entry, this.record));
    if (replay.length > 0) listener(replay);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the generation: softly for `client`/`cancelled` (in-flight work finishes), hard for `shutdown`/`deadline`. */
  stop(reason: StopReason): void {
    if (!this.stopController.signal.aborted) this.stopController.abort(reason);
    if (this.queued && !this.dequeueController.signal.aborted) this.dequeueController.abort(reason);
    if (abortsInFlight(reason) && !this.abortController.signal.aborted) this.abortController.abort(reason);
  }

  /** Marks the generation finished with its final record. */
  finish(record: GenerationRecord): void {
    this.record = record;
    this.resolveDone(record);
  }
}

/** What the supervisor runs for an admitted generation. */
export interface SupervisedWork {
  /** Runs the generation once it has a slot; resolves with the final record (never rejects for engine failures). */
  run(live: LiveGeneration): Promise<GenerationRecord>;
  /** Writes the final record of a generation stopped while it waited in the queue. */
  abandon(live: LiveGeneration, reason: StopReason): Promise<GenerationRecord>;
}

/**
 * Owns the generations of one process: admission (at most `maxRunning` run, at most `maxQueued` wait;
 * past that 503 `overloaded` with Retry-After), the registry of live generations (their event streams,
 * cancellation), and graceful shutdown. The queue is p-queue (FIFO, concurrency-limited).
 */
export class GenerationSupervisor {
  private readonly queue: PQueue;
  private readonly live = new Map<string, LiveGeneration>();
  private readonly logger: Logger;
  private drainingValue = false;
  /** Admitted generations whose queued record is still being written (they count against the limits). */
  private admitting = 0;
  private averageDurationMs = INITIAL_DURATION_MS;
  private readonly shutdownHooks: (() => Promise<void>)[] = [];

  constructor(readonly options: GenerationSupervisorOptions) {
    this.queue = new PQueue({ concurrency: Math.max(1, options.maxRunning) });
    this.logger = options.logger ?? silentLogger;
  }

  /** Generations running now. */
  get running(): number {
    return this.queue.pending;
  }

  /** Generations waiting for a slot. */
  get queued(): number {
    return this.queue.size;
  }

  /** Whether new generations are refused (shutting down). */
  get draining(): boolean {
    return this.drainingValue;
  }

  /** The live generation with this id, if this process owns it. */
  get(id: string): LiveGeneration | undefined {
    return this.live.get(id);
  }

  /** Every generation this process owns now. */
  liveGenerations(): LiveGeneration[] {
    return [...this.live.values()];
  }

  /**
   * Reserves a place for a new generation, or throws the 503 it gets now (shutting down, or the queue is
   * full). The place counts against the limits until `submit` (or `release` when admission fails).
   */
  reserve(): void {
    if (this.drainingValue) throw new ServiceUnavailableError('shutting_down', 'the server is shutting down; retry on another instance or later', 5);
    const waiting = this.queue.size + Math.max(0, this.admitting + this.queue.pending - Math.max(1, this.options.maxRunning));
    const slotFree = this.queue.pending + this.queue.size + this.admitting < Math.max(1, this.options.maxRunning);
    if (!slotFree && waiting >= this.options.maxQueued) {
      throw new ServiceUnavailableError(
        'overloaded',
        `${this.queue.pending} generations are running and ${this.queue.size} are queued (the limit); retry later`,
        this.retryAfterSeconds(),
      );
    }
    this.admitting += 1;
  }

  /** Gives back a place reserved by `reserve` whose generation was not submitted. */
  release(): void {
    this.admitting = Math.max(0, this.admitting - 1);
  }

  /** Seconds after which a refused request may find a free place: the queue's expected drain time. */
  retryAfterSeconds(): number {
    const waves = (this.queue.size + 1) / Math.max(1, this.options.maxRunning);
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil((waves * this.averageDurationMs) / 1000)));
  }

  /**
   * Admits a generation whose first (queued) record is already written: it runs when a slot frees up.
   * Call `reserve()` first; this never refuses, so an accepted request is never dropped.
   */
  submit(live: LiveGeneration, work: SupervisedWork): LiveGeneration {
    this.release();
    this.live.set(live.id, live);
    const started = { at: 0 };
    const task = this.queue.add(
      async () => {
        live.queued = false;
        started.at = performance.now();
        return work.run(live);
      },
      { signal: live.dequeueController.signal },
    );
    void task
      .then(
        (record) => {
          const ms = performance.now() - started.at;
          this.averageDurationMs = 0.8 * this.averageDurationMs + 0.2 * ms;
          return record as GenerationRecord;
        },
        async (error: unknown) => {
          if (live.queued) return work.abandon(live, stopReasonOf(live.stopController.signal, 'cancelled'));
          this.logger.error({ generation_id: live.id, err: error instanceof Error ? error.message : String(error) }, 'generation failed unexpectedly');
          return work.abandon(live, 'shutdown');
        },
      )
      .then((record) => {
        this.live.delete(live.id);
        live.finish(record);
      });
    return live;
  }

  /** Runs `hook` at the end of shutdown, after every generation's final record is written. */
  onShutdown(hook: () => Promise<void>): void {
    this.shutdownHooks.push(hook);
  }

  /**
   * Stops admitting (new requests get 503 `shutting_down`), lets running and queued generations finish for
   * up to `graceMs`, then stops the rest so each is recorded `failed / interrupted` with what it finished,
   * and resolves once every record is written.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.drainingValue = true;
    const pending = this.liveGenerations();
    this.logger.info({ running: this.running, queued: this.queued, grace_ms: graceMs }, 'draining generations');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(pending.map((live) => live.done)), graceOver]);
    clearTimeout(timer);
    const left = this.liveGenerations();
    if (left.length > 0) this.logger.warn({ generations: left.map((live) => live.id) }, 'grace period over: interrupting what is left');
    for (const live of left) live.stop('shutdown');
    await Promise.allSettled(left.map((live) => live.done));
    for (const hook of this.shutdownHooks) await hook().catch(() => undefined);
  }
}
