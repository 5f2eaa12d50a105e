import { describe, expect, it } from 'vitest';
import type { CandidateRecord } from '../../../src/engine/candidate-record.js';
import { missedConstraints } from '../../../src/engine/prompt/prompt-judging.js';

function record(failed: Record<string, string[]>): CandidateRecord {
  return {
    index: 0,
    id: 'c000',
    request: { prompt: 'p', noise: { terms: [{ seed: 1, weight: 1 }] }, steps: 1, phase: 'prompt', round: 0 },
    status: 'scored',
    dispatched: true,
    scores: {},
    details: Object.fromEntries(Object.entries(failed).map(([model, items]) => [model, { failed: items }])),
    nfe: 1,
  };
}

describe('missedConstraints', () => {
  it('unites what the scorers said failed, most frequent first, at most 5', () => {
    // Prepare
    const records = [
      record({ geneval: ['a red car (found a blue car)', '2 dogs (found 1)'] }),
      record({ geneval: ['2 dogs (found 1)'], other: ['x'] }),
      record({ geneval: ['y', 'z', 'w', '2 dogs (found 1)'] }),
    ];

    // Act
    const missed = missedConstraints(records);

    // Assess
    expect(missed).toEqual(['2 dogs (found 1)', 'a red car (found a blue car)', 'x', 'y', 'z']);
  });
});
