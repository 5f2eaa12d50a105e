import type { EngineDeps, GenerationPlan } from '../../../src/engine/generation-plan.js';
import { MemoryImageSink, scorerEntry, testPlan } from '../fake-engine-deps.js';
import { FakeGeneratorV2, LatentScorer, type FakeGeneratorV2Options } from './fake-generator-v2.js';

/** Deps around the fake v2 generator: `alpha` judges previews, `beta` (a second view of the latent) does not. */
export function computeDeps(options: FakeGeneratorV2Options = {}): EngineDeps & { generator: FakeGeneratorV2; imageSink: MemoryImageSink } {
  return {
    generator: new FakeGeneratorV2(options),
    imageSink: new MemoryImageSink(),
    scorers: {
      alpha: scorerEntry(new LatentScorer('alpha', true)),
      beta: scorerEntry(new LatentScorer('beta', false, (image) => (image.latent[1] ?? 0) + (image.latent[0] ?? 0))),
    },
  };
}

/** A plan of a compute-aware method with an NFE budget (the image budget left loose). */
export function computePlan(method: GenerationPlan['search']['method'], budgetNfe: number, search: Partial<GenerationPlan['search']> = {}, plan: Partial<GenerationPlan> = {}): GenerationPlan {
  return testPlan({ plan: { steps: 12, guidance: 5, ...plan }, search: { method, budget: 256, budgetNfe, neighbors: 2, ...search } });
}
