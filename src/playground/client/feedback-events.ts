import type { z } from '@hono/zod-openapi';
import type { feedbackEventSchema } from '../../api/schemas/feedback.js';

/** A feedback event as a client sends it to `POST /v1/feedback`. */
export type FeedbackEventBody = z.input<typeof feedbackEventSchema>;

/** Who gives the feedback: the pseudonymous user and this browser session (for `client_event_id`s). */
export interface FeedbackSource {
  readonly appUser: string;
  readonly sessionId: string;
  /** The time stamped as `occurred_at` (injectable for tests). */
  readonly now?: () => Date;
}

/**
 * A pick, Pick-a-Pic style: `select` for the chosen image and an `impression` for every other image shown
 * beside it, so the harvest pairs the chosen one over each of the others (tiers selected > shown, per app
 * user). Each event has a `client_event_id` derived from what it says, so picking the same image again (or
 * re-sending after a failure) is counted once.
 * Only built with the user's consent (the page sends nothing without it).
 */
export function pickEvents(source: FeedbackSource, generationId: string, picked: string, shown: readonly string[]): FeedbackEventBody[] {
  const occurredAt = (source.now ?? (() => new Date()))().toISOString();
  const base = { generation_id: generationId, app_user: source.appUser, consent: true, occurred_at: occurredAt } as const;
  const others = [...new Set(shown)].filter((id) => id !== picked);
  return [
    ...others.map((id): FeedbackEventBody => ({ ...base, type: 'impression', candidate_id: id, client_event_id: clientEventId(source, 'impression', generationId, id) })),
    { ...base, type: 'select', candidate_id: picked, client_event_id: clientEventId(source, 'select', generationId, picked) },
  ];
}

/**
 * Two images compared side by side: the preferred one, or `tie`. The `client_event_id` names the pair and the
 * verdict, so a verdict sent twice counts once while a changed verdict is a new event.
 */
export function compareEvent(source: FeedbackSource, generationId: string, pair: readonly [string, string], choice: string): FeedbackEventBody {
  return {
    type: 'compare',
    generation_id: generationId,
    candidate_ids: [pair[0], pair[1]],
    choice,
    app_user: source.appUser,
    consent: true,
    occurred_at: (source.now ?? (() => new Date()))().toISOString(),
    client_event_id: clientEventId(source, 'compare', generationId, `${pair[0]}-${pair[1]}-${choice}`),
  };
}

function clientEventId(source: FeedbackSource, type: string, generationId: string, subject: string): string {
  return `pg:${source.sessionId}:${type}:${generationId}:${subject}`;
}
