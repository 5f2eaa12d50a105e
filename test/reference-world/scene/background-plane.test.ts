import { describe, expect, it } from 'vitest';
import { fitPlane, medianOf } from '../../../src/reference-world/scene/background-plane.js';
import { SeededRandom } from '../../../src/reference-world/scene/seeded-random.js';

describe('fitPlane', () => {
  it('recovers random planes despite a fifth of gross outliers', () => {
    // Prepare
    const random = new SeededRandom(9);

    // Act / Assess
    for (let trial = 0; trial < 50; trial += 1) {
      const [a, b, c] = [random.range(0.3, 0.7), random.range(-0.2, 0.2), random.range(-0.2, 0.2)];
      const xs: number[] = [];
      const ys: number[] = [];
      const values: number[] = [];
      for (let k = 0; k < 400; k += 1) {
        const x = random.next();
        const y = random.next();
        xs.push(x);
        ys.push(y);
        values.push(k % 5 === 0 ? random.range(0, 1) : a + b * x + c * y + random.range(-0.005, 0.005));
      }
      const [fa, fb, fc] = fitPlane(xs, ys, values);
      expect(fa).toBeCloseTo(a, 2);
      expect(fb).toBeCloseTo(b, 2);
      expect(fc).toBeCloseTo(c, 2);
    }
  });
});

describe('medianOf', () => {
  it('takes the middle value', () => {
    // Assess
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([])).toBe(0);
  });
});
