import { describe, expect, it } from 'vitest';
import { argmaxReward, rankOrder } from '../../../src/engine/rewards/reward-ranking.js';

describe('argmaxReward', () => {
  it('picks the earlier candidate on ties and skips failed ones', () => {
    // Act
    const index = argmaxReward([null, 0.4, 0.9, null, 0.9]);

    // Assess
    expect(index).toBe(2);
  });

  it('answers -1 when every candidate failed', () => {
    // Act
    const index = argmaxReward([null, null]);

    // Assess
    expect(index).toBe(-1);
  });
});

describe('rankOrder', () => {
  it('orders best first, ties by creation, without failed candidates', () => {
    // Act
    const order = rankOrder([0.2, null, 0.7, 0.2, 0.9]);

    // Assess
    expect(order).toEqual([4, 2, 0, 3]);
  });
});
