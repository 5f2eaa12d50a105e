import type { HarvestEvent } from '../../src/harvest/harvest-event.js';
import type { HarvestCandidate, HarvestGeneration } from '../../src/harvest/harvest-generation.js';

let sequence = 0;

/** A harvest event (consented, deduplicated: what the rules receive), numbered in receipt order. */
export function event(overrides: Partial<HarvestEvent> & Pick<HarvestEvent, 'type'>): HarvestEvent {
  sequence += 1;
  return {
    eventId: `e${String(sequence).padStart(6, '0')}`,
    generationId: 'g1',
    candidateId: null,
    candidateIds: null,
    choice: null,
    rating: null,
    appUser: 'alice',
    receivedAt: 1_714_532_400_000 + sequence,
    ...overrides,
  };
}

/** A scored candidate with a single-seed recipe (seed = its number). */
export function candidate(id: string, reward: number | null, overrides: Partial<HarvestCandidate> = {}): HarvestCandidate {
  const seed = Number.parseInt(id.slice(1), 10);
  return {
    id,
    status: 'scored',
    prompt: `final prompt of ${id}`,
    noise: { terms: [{ seed, weight: 1 }] },
    steps: 20,
    guidance: 5,
    phase: 'search',
    scores: reward === null ? {} : { geneval: reward },
    reward,
    mediaType: 'image/png',
    ...overrides,
  };
}

/** A generation with the given candidates. */
export function generation(candidates: readonly HarvestCandidate[], overrides: Partial<HarvestGeneration> = {}): HarvestGeneration {
  return { id: 'g1', prompt: 'a red train', finalPrompt: 'a red train, detailed', appUser: 'alice', createdAt: '2024-05-01T00:00:00.000Z', candidates, ...overrides };
}

/** The (preferred, rejected, signal) triples of pairs, for compact expectations. */
export function triples(pairs: readonly { preferred: string; rejected: string; signal: string }[]): string[] {
  return pairs.map((pair) => `${pair.preferred}>${pair.rejected}:${pair.signal}`);
}
