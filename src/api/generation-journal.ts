import type { GenerationEventEntry, NewGenerationEventEntry } from '../records/generation-event-log.js';
import type { StoredGeneration } from '../records/generation-store.js';
import type { InstanceRef } from '../records/instance-liveness.js';
import type { GenerationRecord } from './schemas/generation-record.js';

/** Where a journal writes, and who hears of what became durable. */
export interface JournalTarget {
  save(stored: StoredGeneration<GenerationRecord>): Promise<void>;
  /** Entries that are now durable, with the record they were written with. */
  published(entries: readonly GenerationEventEntry[], record: GenerationRecord): void;
  /** A write failed (the next change retries with the whole state). */
  failed(error: unknown): void;
}

/**
 * Journals a running generation: every state change (a candidate dispatched, stored, settled) and every
 * event is written to the record document, coalesced — while one write is in flight, later changes wait
 * and go out together in the next — and events are published only once the write holding them is durable,
 * so nothing a client was told is missing from the record after a crash.
 */
export class GenerationJournal {
  private readonly events: GenerationEventEntry[];
  private unpublished: GenerationEventEntry[] = [];
  private build: () => GenerationRecord;
  private owner: InstanceRef | undefined;
  private dirty = false;
  private writing: Promise<void> | null = null;
  private afterCurrent: (() => void)[] = [];
  private afterNext: (() => void)[] = [];

  constructor(
    private readonly target: JournalTarget,
    initial: { record: GenerationRecord; owner?: InstanceRef; events?: readonly GenerationEventEntry[] },
  ) {
    this.build = () => initial.record;
    this.owner = initial.owner;
    this.events = [...(initial.events ?? [])];
  }

  /** Id the next event gets. */
  get nextEventId(): number {
    return (this.events[this.events.length - 1]?.id ?? 0) + 1;
  }

  /** Every event so far (durable or not). */
  get entries(): readonly GenerationEventEntry[] {
    return this.events;
  }

  /** Sets how the record is built from the current state (called again at each write) and schedules a write. */
  update(build: () => GenerationRecord, owner: InstanceRef | undefined = this.owner): void {
    this.build = build;
    this.owner = owner;
    this.touch();
  }

  /** Sets the final record: written without an owner (the generation no longer runs anywhere). */
  release(build: () => GenerationRecord): void {
    this.build = build;
    this.owner = undefined;
    this.touch();
  }

  /** Adds an event; it is published after the write that holds it. */
  append(entry: NewGenerationEventEntry): void {
    const full = { ...entry, id: this.nextEventId } as GenerationEventEntry;
    this.events.push(full);
    this.unpublished.push(full);
    this.touch();
  }

  /** Resolves once everything changed before this call is durable. */
  flushed(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => (this.dirty ? this.afterNext : this.afterCurrent).push(resolve));
  }

  private touch(): void {
    this.dirty = true;
    if (!this.writing) this.writing = this.drain();
  }

  private async drain(): Promise<void> {
    // one write at a time; a change during a write is picked up by the next iteration
    await Promise.resolve();
    while (this.dirty) {
      this.dirty = false;
      // the state built now covers every waiter that asked while the previous write was in flight
      this.afterCurrent.push(...this.afterNext);
      this.afterNext = [];
      const entries = this.unpublished;
      this.unpublished = [];
      const record = this.build();
      try {
        await this.target.save({ record, ...(this.owner ? { owner: this.owner } : {}), events: [...this.events] });
      } catch (error) {
        this.target.failed(error);
      }
      if (entries.length > 0) this.target.published(entries, record);
      const done = this.afterCurrent;
      this.afterCurrent = [];
      for (const resolve of done) resolve();
    }
    this.writing = null;
  }
}
