/**
 * One entry of a generation's event log: the SSE events of the generation in order, each with the id a
 * client resumes from (`Last-Event-ID`). Candidate events name the candidate; their payload is read from
 * the record when the event is sent, so any process can replay the stream from the stored record.
 */
export type GenerationEventEntry =
  | { readonly id: number; readonly event: 'accepted' }
  | { readonly id: number; readonly event: 'prompt'; readonly prompt: string; readonly source: string; readonly round: number }
  | { readonly id: number; readonly event: 'candidate' | 'best'; readonly candidate_id: string }
  | { readonly id: number; readonly event: 'error' }
  | { readonly id: number; readonly event: 'done' };

/** The log with the `error` and `done` entries that close a generation that ended without finishing. */
export function withClosingEvents(events: readonly GenerationEventEntry[]): GenerationEventEntry[] {
  const nextId = (events[events.length - 1]?.id ?? 0) + 1;
  return [...events, { id: nextId, event: 'error' }, { id: nextId + 1, event: 'done' }];
}

/** An event log entry before it has its id. */
export type NewGenerationEventEntry = GenerationEventEntry extends infer E ? (E extends { id: number } ? Omit<E, 'id'> : never) : never;
