import { describe, expect, it } from 'vitest';
import { Splitmix32 } from '../../../src/reference-world/sampler/normal-rng.js';
import { largestEigenvalue, projectOntoSimplex, simplexLeastSquares } from '../../../src/reference-world/sampler/simplex-least-squares.js';

describe('projectOntoSimplex', () => {
  it('maps any vector onto the simplex and leaves simplex points unchanged (property)', () => {
    // Prepare
    const random = new Splitmix32(1);

    for (let trial = 0; trial < 100; trial += 1) {
      // Act
      const vector = Float64Array.from({ length: 1 + (trial % 7) }, () => (random.nextUniform() - 0.5) * 10);
      const projected = projectOntoSimplex(Float64Array.from(vector));
      const again = projectOntoSimplex(Float64Array.from(projected));

      // Assess
      expect(projected.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 10);
      expect(Math.min(...projected)).toBeGreaterThanOrEqual(0);
      Array.from(again).forEach((value, index) => expect(value).toBeCloseTo(projected[index], 10));
    }
  });
});

describe('simplexLeastSquares', () => {
  it('recovers the blend weights of a point inside the hull', () => {
    // Prepare: three affinely independent points in 3-D, x = 0.2·c₀ + 0.5·c₁ + 0.3·c₂
    const points = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const x = [0.2, 0.5, 0.3];
    const gram = new Float64Array(9);
    const target = new Float64Array(3);
    points.forEach((row, i) => {
      target[i] = row.reduce((sum, value, index) => sum + value * x[index], 0);
      points.forEach((other, j) => {
        gram[i * 3 + j] = row.reduce((sum, value, index) => sum + value * other[index], 0);
      });
    });

    // Act
    const weights = simplexLeastSquares(gram, target, 500);

    // Assess
    expect(weights[0]).toBeCloseTo(0.2, 4);
    expect(weights[1]).toBeCloseTo(0.5, 4);
    expect(weights[2]).toBeCloseTo(0.3, 4);
  });
});

describe('largestEigenvalue', () => {
  it('finds the top eigenvalue of a diagonal matrix', () => {
    // Act
    const value = largestEigenvalue(Float64Array.from([2, 0, 0, 0, 5, 0, 0, 0, 1]), 3);

    // Assess
    expect(value).toBeCloseTo(5, 6);
  });
});
