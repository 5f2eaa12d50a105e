import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../../src/engine/index.js';
import { halvingCost, halvingStages } from '../../../src/engine/search/preview-prune.js';
import { computeDeps, computePlan } from './compute-search-deps.js';

describe('preview_prune', () => {
  describe('halvingStages', () => {
    it('halves the trajectories at previews spaced geometrically up to the last step, and finishes the one left', () => {
      // Act
      const stages = halvingStages(8, 3, 0.5, 20);

      // Assess: previews at 3, 3·(19/3)^½ ≈ 8 and 19
      expect(stages).toEqual([
        { from: 0, to: 3, count: 8 },
        { from: 3, to: 8, count: 4 },
        { from: 8, to: 19, count: 2 },
        { from: 19, to: 20, count: 1 },
      ]);
      expect(halvingCost(stages, 5)).toBe(2 * (8 * 3 + 4 * 5 + 2 * 11 + 1));
    });

    it('finishes the few that are left when the schedule has too few positions for every halving', () => {
      // Act
      const stages = halvingStages(64, 2, 0.5, 5);

      // Assess
      expect(stages.map((stage) => stage.to)).toEqual([2, 3, 4, 5]);
      expect(stages.at(-1)?.count).toBe(8);
    });

    it('runs a single noise straight to the end', () => {
      expect(halvingStages(1, 3, 0.5, 20)).toEqual([{ from: 0, to: 20, count: 1 }]);
    });
  });

  describe('run', () => {
    it('starts as many noises as the NFE budget affords, continues the best previews from their checkpoints and returns the finished winner', async () => {
      // Prepare
      const deps = computeDeps();
      const plan = computePlan('preview_prune', 300, { previewSteps: 3 }, { rewards: [{ model: 'alpha', weight: 1 }] });

      // Act
      const result = await runGeneration(plan, deps);

      // Assess
      expect(result.usage.nfe + result.usage.failedNfe).toBeLessThanOrEqual(300);
      const first = result.candidates.filter((candidate) => candidate.segment?.from === 0);
      expect(first.length).toBeGreaterThan(4);
      const finals = result.candidates.filter((candidate) => (candidate.segment?.to ?? candidate.steps) === candidate.steps);
      expect(finals).toHaveLength(1);
      expect(result.best?.id).toBe(finals[0]?.id);
      // the winner's lineage leads back to a first-stage noise, each step from its parent's checkpoint
      const byId = new Map(result.candidates.map((candidate) => [candidate.id, candidate]));
      let node = result.best;
      let hops = 0;
      while (node?.segment?.parentId) {
        const parent = byId.get(node.segment.parentId);
        expect(parent?.segment?.to).toBe(node.segment.from);
        expect(parent?.noise).toEqual(node.noise);
        node = parent ?? null;
        hops += 1;
      }
      expect(node?.segment?.from).toBe(0);
      expect(hops).toBeGreaterThanOrEqual(2);
      // the kept ones were the best previews of their stage
      const stage0 = first.map((candidate) => candidate.segment?.previewScores?.['alpha'] ?? Number.NaN);
      const continued = new Set(result.candidates.map((candidate) => candidate.segment?.parentId).filter(Boolean));
      const keptScores = first.filter((candidate) => continued.has(candidate.id)).map((candidate) => candidate.segment?.previewScores?.['alpha'] ?? Number.NaN);
      const droppedScores = first.filter((candidate) => !continued.has(candidate.id)).map((candidate) => candidate.segment?.previewScores?.['alpha'] ?? Number.NaN);
      expect(stage0.every(Number.isFinite)).toBe(true);
      expect(Math.min(...keptScores)).toBeGreaterThanOrEqual(Math.max(...droppedScores));
    });

    it('never reports a preview score as a final score: previews have empty scores and a null reward and are never returned', async () => {
      // Prepare
      const deps = computeDeps();
      const plan = computePlan('preview_prune', 200, {}, { n: 3, rewards: [{ model: 'alpha', weight: 1 }, { model: 'beta', weight: 1 }] });

      // Act
      const result = await runGeneration(plan, deps);

      // Assess
      const previews = result.candidates.filter((candidate) => candidate.segment && candidate.segment.to < candidate.steps);
      expect(previews.length).toBeGreaterThan(0);
      for (const preview of previews) {
        expect(preview.scores).toEqual({});
        expect(preview.reward).toBeNull();
        // only the scorer that judges previews was asked
        expect(Object.keys(preview.segment?.previewScores ?? {})).toEqual(['alpha']);
      }
      for (const image of result.images) expect(image.segment?.to ?? image.steps).toBe(image.steps);
      expect(result.usage.previews).toBe(previews.length);
      expect(result.usage.images).toBe(result.candidates.length - previews.length);
    });

    it('warns when no scorer of the request judges previews, and prunes on all of them', async () => {
      // Prepare
      const deps = computeDeps();
      const plan = computePlan('preview_prune', 200, {}, { rewards: [{ model: 'beta', weight: 1 }] });

      // Act
      const result = await runGeneration(plan, deps);

      // Assess
      expect(result.warnings.some((warning) => warning.includes('declares its preview scores meaningful'))).toBe(true);
      const preview = result.candidates.find((candidate) => candidate.segment && candidate.segment.to < candidate.steps);
      expect(Object.keys(preview?.segment?.previewScores ?? {})).toEqual(['beta']);
    });
  });
});
