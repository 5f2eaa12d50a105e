import { z } from '@hono/zod-openapi';
import { candidateSchema, generationRecordSchema, generationStatusSchema } from './generation-record.js';
import { problemSchema } from './problem.js';

/** Where the engine's prompt came from. */
export const promptSourceSchema = z
  .enum(['user', 'promptist', 'opt2i'])
  .openapi('PromptSource', { description: '`user`: the prompt as sent; `promptist`: a rewrite; `opt2i`: an LLM revision.' });

const eventIdSchema = z.string().regex(/^\d+$/).openapi({ description: 'The event\'s `id:`, counting from 1 per generation: send it as `Last-Event-ID` to resume after it.', example: '1' });

/** Payload of the `accepted` event. */
export const acceptedEventDataSchema = z
  .object({
    id: z.uuid().openapi({ description: 'The generation.' }),
    status: generationStatusSchema,
    location: z.string().openapi({ format: 'uri-reference', description: 'The record (`GET` it, or its `/events`).', example: '/v1/generations/01a233b7-bbf3-7334-aa69-9d80f0535482' }),
  })
  .openapi('AcceptedEventData');

/** Payload of a `prompt` event. */
export const promptEventDataSchema = z
  .object({
    prompt: z.string(),
    source: promptSourceSchema,
    round: z.number().int().min(0).openapi({ description: 'Optimization round that proposed it (0: the first).' }),
  })
  .openapi('PromptEventData');

const event = <TName extends string, TData extends z.ZodType>(name: TName, data: TData, description: string) =>
  z.object({ event: z.literal(name), id: eventIdSchema, data }).openapi(`${name[0]!.toUpperCase()}${name.slice(1)}Event`, { description });

/** The `accepted` event: the generation is recorded. */
export const acceptedEventSchema = event('accepted', acceptedEventDataSchema, 'First event: the generation is recorded; `data.location` is its record.');
/** A `prompt` event. */
export const promptEventSchema = event('prompt', promptEventDataSchema, 'A prompt the generation will judge (the user\'s, a Promptist rewrite, an OPT2I revision), before the candidates that judge it.');
/** A `candidate` event. */
export const candidateEventSchema = event('candidate', candidateSchema, 'A candidate finished (scored or failed); its `reward` is provisional.');
/** A `best` event. */
export const bestEventSchema = event('best', candidateSchema, 'A new best candidate so far.');
/** An `error` event. */
export const errorEventSchema = event('error', problemSchema, 'The generation ended without a result: the problem a synchronous request would have answered (before `done`).');
/** The `done` event. */
export const doneEventSchema = event('done', generationRecordSchema, 'Last event: the final record, as `GET /v1/generations/{id}` returns it.');

/** One server-sent event of a generation's stream, as a client parses it. */
export const generationEventSchema = z
  .discriminatedUnion('event', [acceptedEventSchema, promptEventSchema, candidateEventSchema, bestEventSchema, errorEventSchema, doneEventSchema])
  .openapi('GenerationEvent', {
    description:
      'One server-sent event of `text/event-stream`: its `event:` field, its `id:` field, and its `data:` line, a JSON document (the payload). In order: `accepted`, then `prompt`, `candidate` and `best` as they happen, `error` when the generation failed, and `done` with the record, after which the stream ends.',
  });
