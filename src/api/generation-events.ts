import type { EngineEvent } from '../engine/generation-plan.js';
import type { GenerationEventEntry, NewGenerationEventEntry } from '../records/generation-event-log.js';
import { problemOfFailedRecord } from './failed-record-problem.js';
import type { GenerationRecord } from './schemas/generation-record.js';

/** One server-sent event of a generation's stream, with the id a client resumes from. */
export interface GenerationSseEvent {
  readonly id: number;
  readonly event: 'accepted' | 'prompt' | 'candidate' | 'best' | 'done' | 'error';
  readonly data: unknown;
}

/** The event log entry of an engine progress event. */
export function toEventEntry(event: EngineEvent): NewGenerationEventEntry {
  switch (event.type) {
    case 'prompt':
      return { event: 'prompt', prompt: event.prompt, source: event.source, round: event.round };
    case 'candidate':
      return { event: 'candidate', candidate_id: event.candidate.id };
    case 'best':
      return { event: 'best', candidate_id: event.candidate.id };
  }
}

/**
 * The SSE event of a log entry, its payload read from the record the entry was written with (or any later
 * one): `accepted` {id, status, location}, `prompt` {prompt, source, round}, `candidate`/`best` the
 * candidate, `error` the problem of a failed record, `done` the record.
 */
export function renderEvent(entry: GenerationEventEntry, record: GenerationRecord): GenerationSseEvent {
  switch (entry.event) {
    case 'accepted':
      // queued while it waits for a worker (async, or a stream opened on a queued record); running from then on
      return { id: entry.id, event: 'accepted', data: { id: record.id, status: record.status === 'queued' ? 'queued' : 'running', location: `/v1/generations/${record.id}` } };
    case 'prompt':
      return { id: entry.id, event: 'prompt', data: { prompt: entry.prompt, source: entry.source, round: entry.round } };
    case 'candidate':
    case 'best': {
      const candidate = record.candidates.find((item) => item.id === entry.candidate_id) ?? null;
      return { id: entry.id, event: entry.event, data: candidate };
    }
    case 'error':
      return { id: entry.id, event: 'error', data: problemOfFailedRecord(record).toJSON() };
    case 'done':
      return { id: entry.id, event: 'done', data: record };
  }
}

/** Whether a record has ended (no more events will follow its `done`). */
export function isTerminal(record: GenerationRecord): boolean {
  return record.status !== 'queued' && record.status !== 'running';
}
