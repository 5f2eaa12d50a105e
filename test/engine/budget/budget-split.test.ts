import { describe, expect, it } from 'vitest';
import { effectiveSearchSteps, finalReserve, fitOpt2i, fitPromptist, promptImageCap } from '../../../src/engine/budget/budget-split.js';
import { seededRandom } from '../seeded-random.js';
import { testPlan } from '../fake-engine-deps.js';

describe('finalReserve', () => {
  it('reserves one image when search runs at fewer steps than the final image', () => {
    // Act
    const reserves = [
      finalReserve(testPlan({ plan: { steps: 20 }, search: { searchSteps: 8, budget: 8 } })),
      finalReserve(testPlan({ plan: { steps: 20 }, search: { searchSteps: 20, budget: 8 } })),
      finalReserve(testPlan({ plan: { steps: 20 }, search: { searchSteps: 8, budget: 1 } })),
    ];

    // Assess
    expect(reserves).toEqual([1, 0, 0]);
  });
});

describe('effectiveSearchSteps', () => {
  it('searches at full steps when the budget has no room for a final image', () => {
    // Act
    const steps = effectiveSearchSteps(testPlan({ plan: { steps: 20 }, search: { searchSteps: 8, budget: 1 } }));

    // Assess
    expect(steps).toBe(20);
  });
});

describe('promptImageCap', () => {
  it('leaves at least half of the search budget to search in auto mode', () => {
    // Act
    const cap = promptImageCap(testPlan({ plan: { steps: 20 }, search: { budget: 17, searchSteps: 10 }, promptOptimization: { mode: 'auto' } }), 2);

    // Assess
    expect(cap).toBe(8);
  });

  it('lets mode on go past half to afford the minimum', () => {
    // Act
    const cap = promptImageCap(testPlan({ search: { budget: 3 }, promptOptimization: { mode: 'on' } }), 2);

    // Assess
    expect(cap).toBe(2);
  });
});

describe('fitPromptist', () => {
  it('fits (1 + k) · m into the cap, never below one rewrite on one noise', () => {
    // Prepare
    const random = seededRandom(9);
    for (let run = 0; run < 300; run += 1) {
      const k = random.int(1, 8);
      const m = random.int(1, 8);
      const cap = random.int(0, 80);

      // Act
      const size = fitPromptist(k, m, cap);

      // Assess
      if (cap < 2) expect(size).toBeNull();
      else {
        expect((1 + size!.candidates) * size!.noises).toBeLessThanOrEqual(cap);
        expect(size!.candidates).toBeGreaterThanOrEqual(1);
        expect(size!.candidates).toBeLessThanOrEqual(k);
        expect(size!.noises).toBeLessThanOrEqual(m);
        if ((1 + k) * m <= cap) expect(size).toEqual({ candidates: k, noises: m });
      }
    }
  });
});

describe('fitOpt2i', () => {
  it('keeps room for the user prompt and one revision on the same noises', () => {
    // Act
    const sizes = [fitOpt2i(5, 4, 8), fitOpt2i(5, 4, 5), fitOpt2i(5, 4, 1)];

    // Assess
    expect(sizes).toEqual([{ candidates: 5, noises: 4 }, { candidates: 5, noises: 2 }, null]);
  });
});
