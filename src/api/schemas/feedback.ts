import { z } from '@hono/zod-openapi';
import { CANDIDATE_ID_PATTERN } from './generation-record.js';

/** Kinds of implicit and explicit feedback an app reports about the images it showed. */
export const FEEDBACK_TYPES = ['impression', 'select', 'download', 'share', 'upscale', 'regenerate', 'dismiss', 'rate', 'compare'] as const;

/** Limits of a feedback batch (part of the contract). */
export const FEEDBACK_LIMITS = { events: 500, idChars: 128 } as const;

const candidateIdSchema = z.string().regex(CANDIDATE_ID_PATTERN, 'a candidate id such as c000');
const shortText = z.string().min(1).max(FEEDBACK_LIMITS.idChars);

/**
 * One feedback event as an app sends it. `candidate_id` names the image it is about (all types but
 * `regenerate`, where it is optional, and `compare`, which names two in `candidate_ids` and the
 * `choice`: the preferred one, or `tie`); `rate` carries `rating` 1–5. Only events with `consent: true`
 * are ever harvested into datasets.
 */
export const feedbackEventSchema = z
  .object({
    type: z.enum(FEEDBACK_TYPES).openapi('FeedbackType', { description: 'What the user did with an image; `compare` names two, `regenerate` may name none, every other type names one.' }),
    generation_id: z.uuid().openapi({ description: 'A generation of this tenant (422 otherwise).' }),
    candidate_id: candidateIdSchema.optional().openapi({ description: 'The image the event is about: required except for `compare` (which uses `candidate_ids`) and `regenerate` (optional). It must be a candidate of the generation.' }),
    candidate_ids: z.tuple([candidateIdSchema, candidateIdSchema]).optional().openapi({ description: '`compare`: the two images shown side by side.' }),
    choice: z.union([candidateIdSchema, z.literal('tie')]).optional().openapi({ description: '`compare`: the preferred candidate, or `tie`.' }),
    rating: z.number().int().min(1).max(5).optional().openapi({ description: '`rate`: 1 (worst) to 5 (best).' }),
    client_event_id: shortText.optional().openapi({ description: 'The app\'s own id of the event: a retried event with the same id is counted once.' }),
    app_user: shortText.optional().openapi({ description: 'A pseudonymous user id (never an e-mail or name); erasure requests name it.' }),
    consent: z.boolean().default(false).openapi({ description: 'Whether the user agreed that this event may train models; only consented events are harvested.' }),
    occurred_at: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When it happened on the client (the server stamps `received_at` too).' }),
  })
  .strict()
  .superRefine((event, context) => {
    const needsCandidate = event.type !== 'compare' && event.type !== 'regenerate';
    if (needsCandidate && event.candidate_id === undefined) context.addIssue({ code: 'custom', path: ['candidate_id'], message: `a ${event.type} event names the candidate it is about` });
    if (event.type === 'compare') {
      if (!event.candidate_ids) context.addIssue({ code: 'custom', path: ['candidate_ids'], message: 'a compare event names the two candidates shown' });
      else if (event.candidate_ids[0] === event.candidate_ids[1]) context.addIssue({ code: 'custom', path: ['candidate_ids'], message: 'compare two different candidates' });
      if (event.choice === undefined) context.addIssue({ code: 'custom', path: ['choice'], message: 'a compare event says which candidate won, or tie' });
      else if (event.choice !== 'tie' && event.candidate_ids && !event.candidate_ids.includes(event.choice)) {
        context.addIssue({ code: 'custom', path: ['choice'], message: 'choice must be one of candidate_ids, or tie' });
      }
    } else {
      if (event.candidate_ids !== undefined) context.addIssue({ code: 'custom', path: ['candidate_ids'], message: 'only compare events name two candidates' });
      if (event.choice !== undefined) context.addIssue({ code: 'custom', path: ['choice'], message: 'only compare events have a choice' });
    }
    if (event.type === 'rate' && event.rating === undefined) context.addIssue({ code: 'custom', path: ['rating'], message: 'a rate event carries rating 1-5' });
    if (event.type !== 'rate' && event.rating !== undefined) context.addIssue({ code: 'custom', path: ['rating'], message: 'only rate events carry a rating' });
  })
  .openapi({
    description:
      'One feedback event. Beyond the field rules: `candidate_id` is required for every type but `compare` and `regenerate`; `compare` needs two different `candidate_ids` and a `choice` that is one of them or `tie`, and only `compare` has those; `rating` is required for `rate` and only `rate` has it.',
  });

/** Body of `POST /v1/feedback`. */
export const feedbackBatchSchema = z
  .object({ events: z.array(feedbackEventSchema).min(1).max(FEEDBACK_LIMITS.events).openapi({ description: `1 to ${FEEDBACK_LIMITS.events} events; one bad event refuses the whole batch (nothing is written).` }) })
  .strict()
  .openapi({ description: 'A batch of feedback events (schemas inline, so the `consent` default keeps it optional in generated clients).' });

/** A feedback event as sent (defaults applied). */
export type FeedbackEvent = z.infer<typeof feedbackEventSchema>;

/**
 * A feedback event as stored (one NDJSON line): what was sent plus the server's `event_id` (UUIDv7),
 * `received_at` and `tenant`. This is the row the harvest reads.
 */
export interface StoredFeedbackEvent extends FeedbackEvent {
  readonly event_id: string;
  readonly received_at: string;
  readonly tenant: string;
}

/** An erasure request (tombstone): every harvest after it leaves out this app user's events and generations. */
export interface ErasureTombstone {
  readonly tenant: string;
  readonly app_user: string;
  readonly requested_at: string;
  readonly erasure_id: string;
}
