import type { EngineEvent } from '../engine/generation-plan.js';
import { toCandidateRecord } from './to-generation-record.js';

/** One server-sent event of a streamed generation. */
export interface GenerationSseEvent {
  readonly event: 'accepted' | 'prompt' | 'candidate' | 'best' | 'done' | 'error';
  readonly data: unknown;
}

/** The SSE form of an engine progress event (candidates in their record wire shape). */
export function toSseEvent(event: EngineEvent): GenerationSseEvent {
  switch (event.type) {
    case 'prompt':
      return { event: 'prompt', data: { prompt: event.prompt, source: event.source, round: event.round } };
    case 'candidate':
      return { event: 'candidate', data: toCandidateRecord(event.candidate) };
    case 'best':
      return { event: 'best', data: toCandidateRecord(event.candidate) };
  }
}
