import { describe, expect, it } from 'vitest';
import { SeededRandom, hashString } from '../../../src/reference-world/scene/seeded-random.js';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    // Prepare
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);

    // Act
    const a = Array.from({ length: 1000 }, () => first.next());
    const b = Array.from({ length: 1000 }, () => second.next());

    // Assess
    expect(a).toEqual(b);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
    expect(a.reduce((sum, value) => sum + value, 0) / a.length).toBeCloseTo(0.5, 1);
  });

  it('shuffles into a permutation', () => {
    // Act
    const shuffled = new SeededRandom(1).shuffle([1, 2, 3, 4, 5, 6, 7, 8]);

    // Assess
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(shuffled).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('hashString', () => {
  it('is a stable unsigned 32-bit hash', () => {
    // Assess
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('scene')).not.toBe(hashString('scenf'));
  });
});
