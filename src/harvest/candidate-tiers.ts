import type { FeedbackType, HarvestEvent } from './harvest-event.js';
import type { CandidateTier, PairSignal } from './harvest-rules.js';

/** An event as the datasets cite it: its id, and when it was received (ms since the epoch). */
export type EventRef = Pick<HarvestEvent, 'eventId' | 'receivedAt'>;

/** The tier one user's signals put a candidate in, and the evidence for it. */
export interface TierEvidence {
  readonly tier: CandidateTier;
  /** The signal that decided the tier (`impression` for `shown`). */
  readonly signal: PairSignal | 'impression';
  /** The event that decided it. */
  readonly event: EventRef;
}

/** Tiers of the candidates of one generation, from one user's events, and the events that named unknown candidates. */
export interface CandidateTiers {
  readonly tiers: ReadonlyMap<string, TierEvidence>;
  readonly ignored: number;
}

/**
 * How the tier rules read events by position: the kept-event columns of a harvest (`KeptEvents`) or an
 * array of events (`candidateTiers`), so that one implementation of the rules serves both.
 */
export interface EventView {
  type(row: number): FeedbackType;
  candidateId(row: number): string | null;
  rating(row: number): number | null;
  ref(row: number): EventRef;
}

/** Positions of the first (latest, for `rate`) event of each kind about one candidate; −1: none. */
interface Signals {
  kept: number;
  select: number;
  rate: number;
  dismiss: number;
  impression: number;
  regenerated: number;
}

/**
 * Applies the tier rules (`HARVEST_RULES`) to one user's events about one generation: per candidate the
 * strongest signal wins (kept > selected > liked > rejected > regenerated > shown, in precedence; the latest
 * rating counts), and a `regenerate` demotes what was only shown to `regenerated`. `compare` events are not
 * tiers (see `judgePairs`). Events naming a candidate outside `candidates` are ignored and counted.
 */
export function candidateTiers(events: readonly HarvestEvent[], candidates: ReadonlySet<string>): CandidateTiers {
  const ordered = [...events].sort(byReceipt);
  return tiersOfRows(eventArrayView(ordered), Array.from(ordered, (_, row) => row), candidates);
}

/** `candidateTiers` on the events at `rows` of a view, which must be in receipt order (`byReceipt`). */
export function tiersOfRows(view: EventView, rows: ArrayLike<number>, candidates: ReadonlySet<string>): CandidateTiers {
  const signals = new Map<string, Signals>();
  let regenerate = -1;
  let ignored = 0;
  for (let at = 0; at < rows.length; at += 1) {
    const row = rows[at]!;
    const type = view.type(row);
    if (type === 'compare') continue;
    if (type === 'regenerate' && regenerate < 0) regenerate = row;
    const candidate = view.candidateId(row);
    if (candidate === null) continue;
    if (!candidates.has(candidate)) {
      ignored += 1;
      continue;
    }
    let seen = signals.get(candidate);
    if (!seen) {
      seen = { kept: -1, select: -1, rate: -1, dismiss: -1, impression: -1, regenerated: -1 };
      signals.set(candidate, seen);
    }
    switch (type) {
      case 'download':
      case 'share':
      case 'upscale':
        if (seen.kept < 0) seen.kept = row;
        break;
      case 'select':
        if (seen.select < 0) seen.select = row;
        break;
      case 'rate':
        seen.rate = row; // events are in receipt order: the latest rating wins
        break;
      case 'dismiss':
        if (seen.dismiss < 0) seen.dismiss = row;
        break;
      case 'impression':
        if (seen.impression < 0) seen.impression = row;
        break;
      case 'regenerate':
        if (seen.regenerated < 0) seen.regenerated = row;
        break;
    }
  }
  const tiers = new Map<string, TierEvidence>();
  for (const [candidate, seen] of signals) {
    const evidence = tierOf(view, seen, regenerate);
    if (evidence) tiers.set(candidate, evidence);
  }
  return { tiers, ignored };
}

function tierOf(view: EventView, seen: Signals, regenerate: number): TierEvidence | null {
  const rating = seen.rate >= 0 ? view.rating(seen.rate) : null;
  if (seen.kept >= 0) return { tier: 'kept', signal: view.type(seen.kept) as PairSignal, event: view.ref(seen.kept) };
  if (seen.select >= 0) return { tier: 'selected', signal: 'select', event: view.ref(seen.select) };
  if (rating !== null && rating >= 4) return { tier: 'liked', signal: 'rate', event: view.ref(seen.rate) };
  if (seen.dismiss >= 0) return { tier: 'rejected', signal: 'dismiss', event: view.ref(seen.dismiss) };
  if (rating !== null && rating <= 2) return { tier: 'rejected', signal: 'rate', event: view.ref(seen.rate) };
  const shown = seen.impression >= 0 ? seen.impression : seen.rate >= 0 ? seen.rate : seen.regenerated;
  if (shown < 0) return null;
  const demotedBy = seen.regenerated >= 0 ? seen.regenerated : regenerate;
  if (demotedBy >= 0) return { tier: 'regenerated', signal: 'regenerate', event: view.ref(demotedBy) };
  return { tier: 'shown', signal: 'impression', event: view.ref(shown) };
}

/** A view of an array of events (position = index). */
function eventArrayView(events: readonly HarvestEvent[]): EventView {
  return {
    type: (row) => events[row]!.type,
    candidateId: (row) => events[row]!.candidateId,
    rating: (row) => events[row]!.rating,
    ref: (row) => events[row]!,
  };
}

/** Receipt order: received time, then event id (UUIDv7, time-sortable), so ties break the same way every run. */
export function byReceipt(a: EventRef, b: EventRef): number {
  return a.receivedAt - b.receivedAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}
