import type { HarvestEvent } from './harvest-event.js';
import type { CandidateTier, PairSignal } from './harvest-rules.js';

/** The tier one user's signals put a candidate in, and the evidence for it. */
export interface TierEvidence {
  readonly tier: CandidateTier;
  /** The signal that decided the tier (`impression` for `shown`). */
  readonly signal: PairSignal | 'impression';
  /** The event that decided it. */
  readonly event: HarvestEvent;
}

/** Tiers of the candidates of one generation, from one user's events, and the events that named unknown candidates. */
export interface CandidateTiers {
  readonly tiers: ReadonlyMap<string, TierEvidence>;
  readonly ignored: number;
}

interface Signals {
  kept?: HarvestEvent;
  select?: HarvestEvent;
  rate?: HarvestEvent;
  dismiss?: HarvestEvent;
  impression?: HarvestEvent;
  regenerated?: HarvestEvent;
}

/**
 * Applies the tier rules (`HARVEST_RULES`) to one user's events about one generation: per candidate the
 * strongest signal wins (kept > selected > liked > rejected > regenerated > shown, in precedence; the latest
 * rating counts), and a `regenerate` demotes what was only shown to `regenerated`. `compare` events are not
 * tiers (see `humanPairs`). Events naming a candidate outside `candidates` are ignored and counted.
 */
export function candidateTiers(events: readonly HarvestEvent[], candidates: ReadonlySet<string>): CandidateTiers {
  const signals = new Map<string, Signals>();
  let regenerate: HarvestEvent | undefined;
  let ignored = 0;
  for (const event of [...events].sort(byReceipt)) {
    if (event.type === 'compare') continue;
    if (event.type === 'regenerate') regenerate ??= event;
    const candidate = event.candidateId;
    if (candidate === null) continue;
    if (!candidates.has(candidate)) {
      ignored += 1;
      continue;
    }
    const seen = signals.get(candidate) ?? {};
    signals.set(candidate, seen);
    switch (event.type) {
      case 'download':
      case 'share':
      case 'upscale':
        seen.kept ??= event;
        break;
      case 'select':
        seen.select ??= event;
        break;
      case 'rate':
        seen.rate = event; // events are in receipt order: the latest rating wins
        break;
      case 'dismiss':
        seen.dismiss ??= event;
        break;
      case 'impression':
        seen.impression ??= event;
        break;
      case 'regenerate':
        seen.regenerated ??= event;
        break;
    }
  }
  const tiers = new Map<string, TierEvidence>();
  for (const [candidate, seen] of signals) {
    const evidence = tierOf(seen, regenerate);
    if (evidence) tiers.set(candidate, evidence);
  }
  return { tiers, ignored };
}

function tierOf(seen: Signals, regenerate: HarvestEvent | undefined): TierEvidence | null {
  const rating = seen.rate?.rating ?? null;
  if (seen.kept) return { tier: 'kept', signal: seen.kept.type as PairSignal, event: seen.kept };
  if (seen.select) return { tier: 'selected', signal: 'select', event: seen.select };
  if (seen.rate && rating !== null && rating >= 4) return { tier: 'liked', signal: 'rate', event: seen.rate };
  if (seen.dismiss) return { tier: 'rejected', signal: 'dismiss', event: seen.dismiss };
  if (seen.rate && rating !== null && rating <= 2) return { tier: 'rejected', signal: 'rate', event: seen.rate };
  const shown = seen.impression ?? seen.rate ?? seen.regenerated;
  if (!shown) return null;
  const demotedBy = seen.regenerated ?? regenerate;
  if (demotedBy) return { tier: 'regenerated', signal: 'regenerate', event: demotedBy };
  return { tier: 'shown', signal: 'impression', event: shown };
}

/** Receipt order: received time, then event id (UUIDv7, time-sortable), so ties break the same way every run. */
export function byReceipt(a: HarvestEvent, b: HarvestEvent): number {
  return a.receivedAt - b.receivedAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}
