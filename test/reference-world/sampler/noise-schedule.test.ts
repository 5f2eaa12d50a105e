import { describe, expect, it } from 'vitest';
import { scaledLinearAlphaBars, trailingTimesteps } from '../../../src/reference-world/sampler/noise-schedule.js';

describe('scaledLinearAlphaBars', () => {
  it("matches Stable Diffusion's schedule at both ends and decreases monotonically", () => {
    // Act
    const alphaBars = scaledLinearAlphaBars();

    // Assess
    expect(alphaBars[0]).toBeCloseTo(1 - 0.00085, 10);
    expect(alphaBars[999]).toBeCloseTo(0.0047, 4);
    expect(alphaBars.every((value, index) => index === 0 || value < alphaBars[index - 1])).toBe(true);
  });
});

describe('trailingTimesteps', () => {
  it('starts at T−1 and spaces steps evenly', () => {
    // Act
    const twenty = trailingTimesteps(20);
    const one = trailingTimesteps(1);

    // Assess
    expect(twenty).toHaveLength(20);
    expect(twenty[0]).toBe(999);
    expect(twenty[19]).toBe(49);
    expect(one).toEqual([999]);
  });
});
