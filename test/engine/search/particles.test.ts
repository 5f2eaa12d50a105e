import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../../src/engine/index.js';
import { logPotential, resampleAncestors } from '../../../src/engine/search/particle-resampling.js';
import { computeDeps, computePlan } from './compute-search-deps.js';

describe('particles', () => {
  describe('logPotential', () => {
    it('is λ times the lineage maximum, the last difference, or the sum', () => {
      expect(logPotential('max', 2, [0.1, 0.5, 0.3])).toBeCloseTo(1);
      expect(logPotential('difference', 2, [0.1, 0.5, 0.3])).toBeCloseTo(-0.4);
      expect(logPotential('difference', 2, [0.4])).toBeCloseTo(0.8);
      expect(logPotential('sum', 2, [0.1, 0.5, 0.3])).toBeCloseTo(1.8);
    });
  });

  describe('resampleAncestors', () => {
    it('draws ancestors in proportion to exp(log-weight), reproducibly, without overflow for large λ', () => {
      // Act
      const ancestors = resampleAncestors([1000, 1000 + Math.log(3)], 4000, 7, 0);
      const again = resampleAncestors([1000, 1000 + Math.log(3)], 4000, 7, 0);

      // Assess
      expect(again).toEqual(ancestors);
      const share = ancestors.filter((index) => index === 1).length / ancestors.length;
      expect(share).toBeGreaterThan(0.72);
      expect(share).toBeLessThan(0.78);
    });

    it('never draws a particle of weight zero, and draws uniformly when none has a finite weight', () => {
      expect(new Set(resampleAncestors([0, Number.NEGATIVE_INFINITY, 0], 200, 1, 3)).has(1)).toBe(false);
      expect(new Set(resampleAncestors([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], 200, 1, 3))).toEqual(new Set([0, 1]));
    });
  });

  describe('run', () => {
    it('moves K particles in lockstep with the stochastic sampler, resampling at intervals, and returns the best of the K finished', async () => {
      // Prepare
      const deps = computeDeps();
      const plan = computePlan('particles', 1000, { particles: 6, resampleEvery: 3, potential: 'max', lambda: 20, eta: 1 }, { rewards: [{ model: 'alpha', weight: 1 }] });

      // Act
      const result = await runGeneration(plan, deps);

      // Assess
      expect(result.usage.nfe).toBe(6 * 12 * 2);
      const segments = result.candidates.map((candidate) => candidate.segment!);
      expect(new Set(segments.map((segment) => `${segment.from}-${segment.to}`))).toEqual(new Set(['0-3', '3-6', '6-9', '9-12']));
      for (const segment of segments) expect(segment.sampler?.eta).toBe(1);
      // fresh sampler seeds for every segment, so copies of one particle diverge
      expect(new Set(segments.map((segment) => segment.sampler?.seed)).size).toBe(segments.length);
      const finals = result.candidates.filter((candidate) => candidate.segment?.to === 12);
      expect(finals).toHaveLength(6);
      const best = Math.max(...finals.map((candidate) => candidate.scores['alpha']!));
      expect(result.best?.scores['alpha']).toBe(best);
      // resampling with a large λ concentrates the particles on few ancestors
      const parentsOfLast = new Set(finals.map((candidate) => candidate.segment?.parentId));
      expect(parentsOfLast.size).toBeLessThan(6);
    });

    it('gives the same record for the same seed', async () => {
      // Prepare
      const plan = computePlan('particles', 600, { particles: 4, resampleEvery: 4 });

      // Act
      const first = await runGeneration(plan, computeDeps());
      const second = await runGeneration(plan, computeDeps());

      // Assess
      expect(second.candidates.map((candidate) => [candidate.id, candidate.segment, candidate.scores])).toEqual(first.candidates.map((candidate) => [candidate.id, candidate.segment, candidate.scores]));
    });
  });
});
