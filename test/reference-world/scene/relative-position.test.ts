import { describe, expect, it } from 'vitest';
import { clearlyRelated, relativePosition } from '../../../src/reference-world/scene/relative-position.js';
import { SeededRandom } from '../../../src/reference-world/scene/seeded-random.js';

const box = (cx: number, cy: number, size = 0.2) => ({ cx, cy, width: size, height: size });

describe('relativePosition', () => {
  it('follows GenEval: centroid offsets beyond the 0.1 x (dims) margin', () => {
    // Assess
    expect([...relativePosition(box(0.2, 0.5), box(0.8, 0.5))]).toEqual(['left of']);
    expect([...relativePosition(box(0.8, 0.5), box(0.2, 0.5))]).toEqual(['right of']);
    expect([...relativePosition(box(0.5, 0.1), box(0.5, 0.9))]).toEqual(['above']);
    expect([...relativePosition(box(0.5, 0.9), box(0.5, 0.1))]).toEqual(['below']);
    expect([...relativePosition(box(0.2, 0.2), box(0.8, 0.8))].sort()).toEqual(['above', 'left of']);
    // within the margin: no relation
    expect(relativePosition(box(0.5, 0.5), box(0.53, 0.5)).size).toBe(0);
  });

  it('is antisymmetric: swapping the boxes mirrors every relation', () => {
    // Prepare
    const random = new SeededRandom(3);
    const mirror: Record<string, string> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' };

    // Act / Assess
    for (let i = 0; i < 500; i += 1) {
      const a = { cx: random.next(), cy: random.next(), width: random.range(0.05, 0.4), height: random.range(0.05, 0.4) };
      const b = { cx: random.next(), cy: random.next(), width: random.range(0.05, 0.4), height: random.range(0.05, 0.4) };
      const forward = [...relativePosition(a, b)].map((relation) => mirror[relation]).sort();
      expect([...relativePosition(b, a)].sort()).toEqual(forward);
    }
  });
});

describe('clearlyRelated', () => {
  it('accepts only a single, strong relation', () => {
    // Assess
    expect(clearlyRelated(box(0.2, 0.5), box(0.8, 0.5), 'left of')).toBe(true);
    expect(clearlyRelated(box(0.2, 0.2), box(0.8, 0.8), 'left of')).toBe(false);
    expect(clearlyRelated(box(0.45, 0.5), box(0.55, 0.5), 'left of')).toBe(false);
  });
});
