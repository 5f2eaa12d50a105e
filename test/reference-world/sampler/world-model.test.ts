import { describe, expect, it } from 'vitest';
import { neighbourRecipe } from '../../support/noise-recipes.js';
import type { NoiseRecipe } from '../../../src/ports/index.js';
import { sceneLogPrior } from '../../../src/reference-world/difficulty/scene-prior.js';
import { ReferenceWorldModel, type WorldItem } from '../../../src/reference-world/sampler/world-model.js';

/** An item at the defaults (20 steps, guidance 5). */
function item(overrides: Partial<WorldItem> = {}): WorldItem {
  return { prompt: 'a photo of a red car and a blue dog', noise: { terms: [{ seed: 42, weight: 1 }] }, steps: 20, guidance: 5, ...overrides };
}


describe('ReferenceWorldModel', () => {
  it('blends scenes with few steps and commits to one with many', async () => {
    // Prepare
    const world = new ReferenceWorldModel();
    const entropy = async (steps: number): Promise<number> => {
      let sum = 0;
      for (let seed = 0; seed < 8; seed += 1) sum += (await world.sample(item({ steps, noise: { terms: [{ seed, weight: 1 }] } }))).blendEntropy;
      return sum / 8;
    };

    // Act
    const one = await entropy(1);
    const twenty = await entropy(20);

    // Assess
    expect(one).toBeGreaterThan(0.5);
    expect(twenty).toBeLessThan(0.1);
  });

  it('lands nearby noises on the same scene far more often than independent noises', async () => {
    // Prepare
    const world = new ReferenceWorldModel();
    const prompt = 'a photo of a dog right of a teddy bear';
    const sameScene = async (degrees: number): Promise<number> => {
      let same = 0;
      for (let pivot = 0; pivot < 24; pivot += 1) {
        const base = await world.sample(item({ prompt, noise: { terms: [{ seed: pivot, weight: 1 }] } }));
        const near = await world.sample(item({ prompt, noise: neighbourRecipe(pivot, 10_000 + pivot, degrees) }));
        if (near.dominantIndex === base.dominantIndex) same += 1;
      }
      return same / 24;
    };

    // Act
    const close = await sameScene(10);
    const independent = await sameScene(90);

    // Assess
    expect(close).toBeGreaterThan(independent + 0.3);
  });

  it('weighs a scene the same in the unconditional branch whichever prompt is sampled', async () => {
    // Prepare: "a red car" is a scene of both prompts' mixtures (intended in one, a failure of the other)
    const world = new ReferenceWorldModel();
    const alone = await world.mixtureFor('a photo of a red car');
    const pair = await world.mixtureFor('a photo of a red car and a blue dog');
    const weightOf = (mixture: typeof alone, classes: string): number[] =>
      mixture.prototypes.flatMap((prototype, index) => (prototype.modeIndex >= 0 && JSON.stringify(mixture.modes[prototype.modeIndex]?.spec.include) === classes ? [mixture.unconditional.logWeights[index] ?? Number.NaN] : []));
    const redCar = JSON.stringify([{ class: 'car', count: 1, color: 'red' }]);

    // Act
    const inAlone = weightOf(alone, redCar);
    const inPair = weightOf(pair, redCar);

    // Assess: same scene prior (the variants' count differs: 3 for an intended scene, 2 for a failure)
    expect(inAlone.length).toBeGreaterThan(0);
    expect(inPair.length).toBeGreaterThan(0);
    expect((inAlone[0] ?? 0) + Math.log(3)).toBeCloseTo(sceneLogPrior({ include: [{ class: 'car', count: 1, color: 'red' }] }), 10);
    expect((inPair[0] ?? 0) + Math.log(2)).toBeCloseTo(sceneLogPrior({ include: [{ class: 'car', count: 1, color: 'red' }] }), 10);
  });

  it('poses the same scene differently for different noises and alike for nearby ones', async () => {
    // Prepare
    const world = new ReferenceWorldModel();
    const prompt = 'a photo of a bench';
    const centre = async (noise: NoiseRecipe): Promise<[number, number]> => {
      const sample = await world.sample(item({ prompt, noise }));
      const object = world.posedScene(sample, sample.dominantIndex).layout.objects[0];
      return [object?.cx ?? Number.NaN, object?.cy ?? Number.NaN];
    };

    // Act
    const pivot = await centre({ terms: [{ seed: 3, weight: 1 }] });
    const near = await centre(neighbourRecipe(3, 77, 3));
    const far = await centre({ terms: [{ seed: 77, weight: 1 }] });

    // Assess
    expect(Math.hypot(near[0] - pivot[0], near[1] - pivot[1])).toBeGreaterThan(0);
    expect(Math.hypot(near[0] - pivot[0], near[1] - pivot[1])).toBeLessThan(0.01);
    expect(Math.hypot(far[0] - pivot[0], far[1] - pivot[1])).toBeGreaterThan(0.01);
  });

  it('renders the same pixels for the same item, in a fresh model too', async () => {
    // Act
    const first = new ReferenceWorldModel();
    const second = new ReferenceWorldModel();
    const a = await first.render(await first.sample(item()), 96, 64);
    const b = await second.render(await second.sample(item()), 96, 64);

    // Assess
    expect(a).toHaveLength(96 * 64 * 3);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  });
});
