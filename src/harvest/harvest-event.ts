import type { FeedbackEvent } from '../api/schemas/feedback.js';

/** A feedback event type (`impression`, `select`, … `compare`). */
export type FeedbackType = FeedbackEvent['type'];

/**
 * One feedback event as the rules see it: consented, deduplicated and not erased (the reader has
 * already applied those rules), with only the fields the rules read.
 */
export interface HarvestEvent {
  readonly eventId: string;
  readonly type: FeedbackType;
  readonly generationId: string;
  readonly candidateId: string | null;
  /** `compare`: the two candidates shown side by side. */
  readonly candidateIds: readonly [string, string] | null;
  /** `compare`: the preferred candidate, or `tie`. */
  readonly choice: string | null;
  /** `rate`: 1–5. */
  readonly rating: number | null;
  readonly appUser: string | null;
  /** Server receive time, ms since the epoch. */
  readonly receivedAt: number;
}
