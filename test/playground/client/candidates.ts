import type { CandidateRecord } from '../../../src/api/schemas/generation-record.js';

/** A scored candidate of a record, for the playground's unit tests. */
export function candidate(index: number, reward: number | null, overrides: Partial<CandidateRecord> = {}): CandidateRecord {
  const id = `c${String(index).padStart(3, '0')}`;
  return {
    id,
    status: reward === null ? 'failed' : 'scored',
    prompt: 'a photo of a red apple',
    noise: { terms: [{ seed: index, weight: 1 }] },
    steps: 20,
    guidance: 5,
    width: 64,
    height: 64,
    phase: 'search',
    round: 0,
    scores: reward === null ? {} : { geneval: reward },
    reward,
    nfe: 40,
    ...(reward === null ? { error: { code: 'backend_call_failed', message: 'endpoint exploded' } } : { media_type: 'image/png', url: `/v1/generations/g/candidates/${id}` }),
    ...overrides,
  };
}
