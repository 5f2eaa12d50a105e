import { describe, expect, it } from 'vitest';
import { GenerationJournal } from '../../src/api/generation-journal.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import type { GenerationEventEntry } from '../../src/records/generation-event-log.js';
import type { StoredGeneration } from '../../src/records/generation-store.js';

const record = (candidates: number): GenerationRecord =>
  ({ id: 'g', status: 'running', candidates: Array.from({ length: candidates }, (_, index) => ({ id: `c00${index}` })) }) as unknown as GenerationRecord;

/** A target whose writes complete only when the test says so. */
function slowTarget() {
  const saved: StoredGeneration<GenerationRecord>[] = [];
  const published: GenerationEventEntry[] = [];
  const pending: (() => void)[] = [];
  return {
    saved,
    published,
    completeWrites: async (): Promise<void> => {
      for (let rounds = 0; rounds < 20; rounds += 1) {
        await new Promise((resolve) => setImmediate(resolve));
        while (pending.length > 0) pending.shift()!();
      }
    },
    target: {
      save: (stored: StoredGeneration<GenerationRecord>) => new Promise<void>((resolve) => pending.push(() => (saved.push(stored), resolve()))),
      published: (entries: readonly GenerationEventEntry[]) => published.push(...entries),
      failed: () => undefined,
    },
  };
}

describe('GenerationJournal', () => {
  it('publishes an event only after a write holding it is durable', async () => {
    // Prepare
    const { target, published, saved, completeWrites } = slowTarget();
    const journal = new GenerationJournal(target, { record: record(0) });
    // Act
    journal.update(() => record(1));
    journal.append({ event: 'candidate', candidate_id: 'c000' });
    await new Promise((resolve) => setImmediate(resolve));
    const beforeWrite = published.length;
    await completeWrites();
    // Assess
    expect(beforeWrite).toBe(0);
    expect(published.map((entry) => entry.id)).toEqual([1]);
    expect(saved.at(-1)!.events.map((entry) => entry.id)).toEqual([1]);
    expect(saved.at(-1)!.record.candidates).toHaveLength(1);
  });

  it('coalesces changes made during a write into the next one, and flushed() waits for the state it was called on', async () => {
    // Prepare
    const { target, saved, completeWrites } = slowTarget();
    const journal = new GenerationJournal(target, { record: record(0) });
    journal.update(() => record(1));
    await new Promise((resolve) => setImmediate(resolve));
    // Act: three changes while the first write is in flight
    let candidates = 1;
    for (let index = 0; index < 3; index += 1) {
      candidates += 1;
      const count = candidates;
      journal.update(() => record(count));
    }
    let flushedAt = -1;
    void journal.flushed().then(() => (flushedAt = saved.length));
    await completeWrites();
    // Assess
    expect(saved.map((stored) => stored.record.candidates.length)).toEqual([1, 4]);
    expect(flushedAt).toBe(2);
  });
});
