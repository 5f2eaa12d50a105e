import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../../src/engine/index.js';
import { pathCost, pathSchedule } from '../../../src/engine/search/paths.js';
import { computeDeps, computePlan } from './compute-search-deps.js';

describe('paths', () => {
  describe('pathSchedule', () => {
    it('re-noises Δf back and denoises Δb forward per round until the schedule ends', () => {
      // Act
      const schedule = pathSchedule(20, 10, 2, 4);

      // Assess
      expect(schedule.rounds).toEqual([
        { start: 10, from: 8, to: 12 },
        { start: 12, from: 10, to: 14 },
        { start: 14, from: 12, to: 16 },
        { start: 16, from: 14, to: 18 },
        { start: 18, from: 16, to: 20 },
      ]);
      expect(pathCost(schedule, 2, 3, 5)).toBe(2 * 2 * 10 + 5 * (2 * 3 * 2 * 4));
    });
  });

  describe('run', () => {
    it('keeps the N best of N·M re-noised children by preview reward each round and returns the best finished child', async () => {
      // Prepare
      const deps = computeDeps();
      const plan = computePlan('paths', 400, { paths: 2, neighbors: 3, pathStart: 6, pathForward: 2, pathBackward: 3 }, { rewards: [{ model: 'alpha', weight: 1 }] });

      // Act
      const result = await runGeneration(plan, deps);

      // Assess
      expect(result.usage.nfe + result.usage.failedNfe).toBeLessThanOrEqual(400);
      const byId = new Map(result.candidates.map((candidate) => [candidate.id, candidate]));
      const starts = result.candidates.filter((candidate) => candidate.segment?.from === 0);
      expect(starts).toHaveLength(2);
      const children = result.candidates.filter((candidate) => candidate.segment?.parentId !== undefined);
      for (const child of children) {
        const parent = byId.get(child.segment!.parentId!)!;
        expect(child.segment?.renoise?.terms).toHaveLength(1);
        expect(child.segment!.from).toBe(parent.segment!.to - 2);
        expect(child.segment!.to).toBe(Math.min(12, child.segment!.from + 3));
      }
      // every round has 2·3 children of 2 parents
      const rounds = new Map<number, string[]>();
      for (const child of children) rounds.set(child.round, [...(rounds.get(child.round) ?? []), child.segment!.parentId!]);
      for (const parents of rounds.values()) {
        expect(parents).toHaveLength(6);
        expect(new Set(parents).size).toBe(2);
      }
      const finals = result.candidates.filter((candidate) => candidate.segment?.to === candidate.steps);
      expect(finals).toHaveLength(6);
      const best = Math.max(...finals.map((candidate) => candidate.scores['alpha'] ?? Number.NEGATIVE_INFINITY));
      expect(result.best?.scores['alpha']).toBe(best);
    });

    it('takes fewer fresh noises per path, then whole images, when the budget cannot pay for one path', async () => {
      // Prepare: one path from step 6 of 12 (Δf 2, Δb 4: 3 rounds) costs 2·6 + 3·M·4·2 NFEs: 60 pay for M = 2, 30 not even for M = 1
      const fewer = computePlan('paths', 60, { neighbors: 4, pathStart: 6, pathForward: 2, pathBackward: 4 });
      const none = computePlan('paths', 30, { neighbors: 4, pathStart: 6, pathForward: 2, pathBackward: 4 });

      // Act
      const withFewer = await runGeneration(fewer, computeDeps());
      const withNone = await runGeneration(none, computeDeps());

      // Assess
      expect(withFewer.warnings).toContain('paths: 4 noises per path do not fit the budget; 2 per path ran');
      expect(withFewer.usage.nfe).toBeLessThanOrEqual(60);
      expect(withNone.warnings.some((warning) => warning.includes('whole images ran instead'))).toBe(true);
      expect(withNone.candidates).toHaveLength(1);
      expect(withNone.best?.segment).toEqual({ from: 0, to: 12 });
    });

    it('affords as many paths as the NFE budget allows when N is not given', async () => {
      // Prepare
      const deps = computeDeps();
      const plan = computePlan('paths', 1000, { neighbors: 2, pathStart: 6, pathForward: 2, pathBackward: 4 });

      // Act
      const result = await runGeneration(plan, deps);

      // Assess
      const schedule = pathSchedule(12, 6, 2, 4);
      const n = result.candidates.filter((candidate) => candidate.segment?.from === 0).length;
      expect(pathCost(schedule, n, 2, 5)).toBeLessThanOrEqual(1000);
      expect(pathCost(schedule, n + 1, 2, 5)).toBeGreaterThan(1000);
      expect(result.usage.nfe).toBe(pathCost(schedule, n, 2, 5));
    });
  });
});
