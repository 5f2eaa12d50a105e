import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { components } from './openapi-types.js';

/** One event of a generation's stream (`accepted`, `prompt`, `candidate`, `best`, `error`, `done`), as the spec names them. */
export type GenerationEvent = components['schemas']['GenerationEvent'];

/** The events of a `text/event-stream` answer, parsed with eventsource-parser, each data line as JSON. */
export async function* readGenerationEvents(response: Response): AsyncGenerator<GenerationEvent> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield { event: value.event, id: value.id, data: JSON.parse(value.data) as unknown } as GenerationEvent;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
