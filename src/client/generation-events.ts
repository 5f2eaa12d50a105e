import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { components } from './openapi-types.js';

/** One event of a generation's stream (`accepted`, `prompt`, `candidate`, `best`, `error`, `done`), as the spec names them. */
export type GenerationEvent = components['schemas']['GenerationEvent'];

/** One server-sent event with its data line parsed as JSON (`event` and `id` as sent, absent when not). */
export interface SseJsonEvent {
  readonly event: string | undefined;
  readonly id: string | undefined;
  readonly data: unknown;
}

/** The events of a `text/event-stream` answer, parsed with eventsource-parser, each data line as JSON (the SDK's and the playground's reader). */
export async function* readSseJsonEvents(response: Response): AsyncGenerator<SseJsonEvent> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield { event: value.event, id: value.id, data: JSON.parse(value.data) as unknown };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The events of a generation's `text/event-stream` answer, as the spec types them. */
export async function* readGenerationEvents(response: Response): AsyncGenerator<GenerationEvent> {
  for await (const event of readSseJsonEvents(response)) yield event as GenerationEvent;
}
