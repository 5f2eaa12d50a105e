/**
 * Test helper (not a test): scenes with known ground truth for the verifier's acceptance, built from
 * GenEval-schema specs: the layout of each spec (truth: satisfies it), and the layout of a
 * deliberately wrong variant (truth: does not), see mutateSpec.
 */
import type { GenevalSpec } from '../../../src/reference-world/scene/geneval-spec.js';
import { layoutScene } from '../../../src/reference-world/scene/scene-layout.js';
import type { SceneLayout } from '../../../src/reference-world/scene/scene-layout.js';
import { SeededRandom } from '../../../src/reference-world/scene/seeded-random.js';
import { mutateSpec } from '../../../src/reference-world/scene/spec-mutations.js';
import type { SpecMutation } from '../../../src/reference-world/scene/spec-mutations.js';

/** One scene with its ground truth. */
export interface SceneCase {
  readonly spec: GenevalSpec;
  readonly layout: SceneLayout;
  /** Whether the scene satisfies `spec` (by construction). */
  readonly truth: boolean;
  readonly mutation: SpecMutation | 'none';
}

/** Scene cases from specs: each spec once faithful and once mutated (when a mutation applies). */
export function buildSceneCases(specs: readonly GenevalSpec[], seed: number): SceneCase[] {
  const random = new SeededRandom(seed);
  const cases: SceneCase[] = [];
  specs.forEach((spec, index) => {
    cases.push({ spec, layout: layoutScene(spec, seed * 1000 + index), truth: true, mutation: 'none' });
    const mutated = mutateSpec(spec, random);
    if (mutated) cases.push({ spec, layout: layoutScene(mutated.variant, seed * 1000 + index + 500), truth: false, mutation: mutated.mutation });
  });
  return cases;
}
