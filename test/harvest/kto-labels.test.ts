import { describe, expect, it } from 'vitest';
import { ktoLabels } from '../../src/harvest/kto-labels.js';
import { humanPairs } from '../../src/harvest/preference-pairs.js';
import { event } from './harvest-fixtures.js';

const known = new Set(['c000', 'c001', 'c002', 'c003']);

describe('ktoLabels', () => {
  it('labels images that only won exclusive_win, only lost exclusive_lose, and both intersections', () => {
    // Prepare: c000 downloaded, c001 shown (beats the dismissed c002, loses to c000), c002 dismissed
    const judgement = humanPairs(
      'g1',
      'alice',
      [event({ type: 'download', candidateId: 'c000' }), event({ type: 'impression', candidateId: 'c001' }), event({ type: 'dismiss', candidateId: 'c002' })],
      known,
    );
    // Act
    const labels = ktoLabels('g1', [judgement]);
    // Assess
    expect(labels.map((label) => [label.candidateId, label.split, label.label])).toEqual([
      ['c000', 'exclusive_win', 1],
      ['c001', 'intersections', 1],
      ['c002', 'exclusive_lose', 0],
    ]);
  });

  it('labels regenerated images as losses even without a pair, and a lone rating as its own label', () => {
    // Prepare
    const regenerated = humanPairs('g1', 'alice', [event({ type: 'impression', candidateId: 'c000' }), event({ type: 'regenerate' })], known);
    const rated = humanPairs('g1', 'bob', [event({ type: 'rate', candidateId: 'c003', rating: 4, appUser: 'bob' })], known);
    // Act
    const labels = ktoLabels('g1', [regenerated, rated]);
    // Assess
    expect(labels.map((label) => [label.candidateId, label.split])).toEqual([
      ['c000', 'exclusive_lose'],
      ['c003', 'exclusive_win'],
    ]);
  });

  it('gives an image that was only shown no label', () => {
    // Prepare
    const judgement = humanPairs('g1', 'alice', [event({ type: 'impression', candidateId: 'c000' })], known);
    // Act
    const labels = ktoLabels('g1', [judgement]);
    // Assess
    expect(labels).toEqual([]);
  });
});
