import { describe, expect, it } from 'vitest';
import { ReferenceWorldModel } from '../../../src/reference-world/sampler/world-model.js';
import { judgeTruth, layoutObjects, sceneTruth, type SceneTruth, type TrueObject } from '../../../src/reference-world/truth/index.js';

/** A solid truth of some objects. */
function truthOf(objects: TrueObject[]): SceneTruth {
  return { objects, drawn: objects, solid: true, dominantWeight: 1, modeKind: 'intended', description: 'as asked' };
}

const dog = (cx: number, color: TrueObject['color'] = 'brown'): TrueObject => ({ class: 'dog', color, cx, cy: 0.5, width: 0.2, height: 0.15, visible: 1 });

describe('layoutObjects', () => {
  it('measures how much of each object later objects cover', () => {
    // Act
    const apart = layoutObjects({ objects: [{ class: 'cat', color: 'orange', cx: 0.25, cy: 0.5, size: 0.3 }, { class: 'cat', color: 'black', cx: 0.75, cy: 0.5, size: 0.3 }], backgroundHue: 0 }, 256, 256);
    const covered = layoutObjects({ objects: [{ class: 'cat', color: 'orange', cx: 0.5, cy: 0.5, size: 0.2 }, { class: 'cat', color: 'black', cx: 0.5, cy: 0.5, size: 0.4 }], backgroundHue: 0 }, 256, 256);

    // Assess
    expect(apart.map((object) => object.visible)).toEqual([1, 1]);
    expect(covered[0]?.visible).toBeLessThan(0.2);
    expect(covered[1]?.visible).toBe(1);
  });
});

describe('judgeTruth', () => {
  it("applies GenEval's rules to the objects drawn: counts, colours and positions", () => {
    // Assess
    expect(judgeTruth({ include: [{ class: 'dog', count: 2 }] }, truthOf([dog(0.2), dog(0.7)])).correct).toBe(true);
    expect(judgeTruth({ include: [{ class: 'dog', count: 2 }], exclude: [{ class: 'dog', count: 3 }] }, truthOf([dog(0.1), dog(0.5), dog(0.9)])).correct).toBe(false);
    expect(judgeTruth({ include: [{ class: 'dog', count: 1, color: 'black' }] }, truthOf([dog(0.5)])).correct).toBe(false);
    const leftRight = { include: [{ class: 'cat', count: 1 }, { class: 'dog', count: 1, position: ['right of', 0] as ['right of', number] }] };
    const cat = { ...dog(0.2), class: 'cat' };
    expect(judgeTruth(leftRight, truthOf([cat, dog(0.8)])).correct).toBe(true);
    expect(judgeTruth(leftRight, truthOf([{ ...cat, cx: 0.8 }, dog(0.2)])).correct).toBe(false);
  });

  it('counts nothing in a blend of scenes', () => {
    // Act
    const blend: SceneTruth = { ...truthOf([]), drawn: [dog(0.5)], solid: false, dominantWeight: 0.4 };

    // Assess
    expect(judgeTruth({ include: [{ class: 'dog', count: 1 }] }, blend).correct).toBe(false);
  });
});

describe('sceneTruth', () => {
  it('says what the sampler drew for an item, the same on every call', async () => {
    // Prepare
    const world = new ReferenceWorldModel();
    const request = { prompt: 'a photo of three cats', noise: { terms: [{ seed: 4, weight: 1 }] }, steps: 20, guidance: 5, width: 256, height: 256 };

    // Act
    const first = await sceneTruth(world, request);
    const again = await sceneTruth(new ReferenceWorldModel(), request);

    // Assess
    expect(again).toEqual(first);
    expect(first.solid).toBe(true);
    expect(first.drawn.length).toBeGreaterThan(0);
    expect(first.drawn.every((object) => object.class === 'cat')).toBe(true);
    expect(judgeTruth({ include: [{ class: 'cat', count: 3 }], exclude: [{ class: 'cat', count: 4 }] }, first).correct).toBe(first.modeKind === 'intended' && first.objects.length === 3);
  });
});
