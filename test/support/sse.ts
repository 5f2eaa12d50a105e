/** One parsed server-sent event. */
export interface ParsedSseEvent {
  readonly event: string;
  readonly data: unknown;
  /** The `id:` field, when the server sent one. */
  readonly id?: string;
}

/** Parses a whole text/event-stream body into its events (data lines joined, JSON-decoded). */
export function parseSse(body: string): ParsedSseEvent[] {
  const events: ParsedSseEvent[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')), ...(id !== undefined ? { id } : {}) });
  }
  return events;
}

/**
 * Reads an SSE response until `stop` says so for the events so far (or the stream ends), then cancels the
 * body, as a client that disconnects would; returns the complete events read.
 */
export async function readSseUntil(response: Response, stop: (events: readonly ParsedSseEvent[]) => boolean): Promise<ParsedSseEvent[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const complete = text.slice(0, text.lastIndexOf('\n\n') + 2);
    if (stop(parseSse(complete))) {
      await reader.cancel().catch(() => undefined);
      return parseSse(complete);
    }
  }
  return parseSse(text);
}
