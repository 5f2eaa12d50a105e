import { describe, expect, it } from 'vitest';
import { aggregateRewards, normalizedRanks, weightedMeanScore } from '../../../src/engine/rewards/aggregate-rewards.js';
import { referenceRewards, seededRandom } from '../seeded-random.js';

describe('normalizedRanks', () => {
  it('maps the lowest to 0, the highest to 1 and gives ties their mean rank', () => {
    // Act
    const ranks = normalizedRanks([3, 1, 3, 7, 5]);

    // Assess
    expect(ranks).toEqual([0.375, 0, 0.375, 1, 0.75]);
  });

  it('gives a single value the top rank', () => {
    // Act
    const ranks = normalizedRanks([0.2]);

    // Assess
    expect(ranks).toEqual([1]);
  });
});

describe('aggregateRewards', () => {
  it('matches the definition for every method on random score tables with ties', () => {
    // Prepare
    const random = seededRandom(5);
    const calibrations = { a: { mean: 0.5, std: 0.2 }, b: { mean: 6, std: 1.5 }, c: { mean: 0, std: 0.01 } };
    for (let run = 0; run < 200; run += 1) {
      const rows = Array.from({ length: random.int(1, 12) }, () => ({
        a: Math.round(random.next() * 4) / 4,
        b: 1 + 9 * random.next(),
        c: random.next() * 0.02,
      }));
      const rewards = [
        { model: 'a', weight: random.next() },
        { model: 'b', weight: 0.01 + random.next() },
        { model: 'c', weight: random.next() },
      ];
      const method = random.pick(['rank', 'zscore', 'weighted_sum'] as const);

      // Act
      const values = aggregateRewards(rows, rewards, method, calibrations);

      // Assess
      const expected = referenceRewards(rows, rewards, method, calibrations);
      values.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 10));
    }
  });

  it('ranks so that a scorer with a large scale does not drown one with a small scale', () => {
    // Prepare
    const rows = [
      { aesthetic: 6.0, clip: 0.31 },
      { aesthetic: 6.2, clip: 0.2 },
      { aesthetic: 5.9, clip: 0.3 },
    ];
    const rewards = [
      { model: 'aesthetic', weight: 1 },
      { model: 'clip', weight: 1 },
    ];

    // Act
    const byRank = aggregateRewards(rows, rewards, 'rank');
    const bySum = aggregateRewards(rows, rewards, 'weighted_sum');

    // Assess
    expect(byRank[0]).toBeGreaterThan(byRank[1]!);
    expect(bySum[1]).toBeGreaterThan(bySum[0]!);
  });
});

describe('weightedMeanScore', () => {
  it('is the weighted mean of the raw scores', () => {
    // Act
    const value = weightedMeanScore({ geneval: 0.5, aesthetic: 8 }, [
      { model: 'geneval', weight: 3 },
      { model: 'aesthetic', weight: 1 },
    ]);

    // Assess
    expect(value).toBeCloseTo((0.5 * 3 + 8) / 4, 12);
  });
});

describe('aggregateRewards with abstentions', () => {
  const rewards = [
    { model: 'a', weight: 1 },
    { model: 'b', weight: 1 },
  ];

  it('leaves an abstaining scorer out of the rows it did not score, ranking among the rows it did', () => {
    // Act
    const values = aggregateRewards([{ a: 1, b: 5 }, { a: 2 }, { a: 3, b: 1 }], rewards, 'rank');
    // Assess: a ranks 0, 0.5, 1; b ranks rows 0 and 2 as 1 and 0
    expect(values).toEqual([0.5, 0.5, 0.5]);
  });

  it('gives null to a row no scorer judged, never a made-up reward', () => {
    for (const method of ['rank', 'zscore', 'weighted_sum'] as const) {
      expect(aggregateRewards([{}, { a: 1 }], rewards, method)[0]).toBeNull();
    }
  });

  it('gives all-equal rows the same reward (no invented order)', () => {
    for (const method of ['rank', 'zscore', 'weighted_sum'] as const) {
      const values = aggregateRewards([{ a: 2, b: 2 }, { a: 2, b: 2 }, { a: 2, b: 2 }], rewards, method);
      expect(new Set(values).size).toBe(1);
    }
  });
});
