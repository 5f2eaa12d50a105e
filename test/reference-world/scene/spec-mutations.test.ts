import { describe, expect, it } from 'vitest';
import { generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';
import { verifyScene } from '../../../src/reference-world/reward-models/geneval-verifier.js';
import type { DetectedObject } from '../../../src/reference-world/reward-models/object-detector.js';
import { layoutScene, placedBox } from '../../../src/reference-world/scene/scene-layout.js';
import { SeededRandom } from '../../../src/reference-world/scene/seeded-random.js';
import { mutateSpec } from '../../../src/reference-world/scene/spec-mutations.js';

describe('mutateSpec', () => {
  it('makes, for every category, a variant whose layout no longer satisfies the original spec', () => {
    // Prepare
    const random = new SeededRandom(4);
    const suite = generateGenevalSuite(1);

    // Act / Assess: judge the variant's layout geometrically (what a perfect detector would see)
    for (const [index, spec] of suite.entries()) {
      const mutated = mutateSpec(spec, random);
      expect(mutated, spec.prompt).toBeDefined();
      if (!mutated) continue;
      const layout = layoutScene(mutated.variant, index);
      const truth: DetectedObject[] = layout.objects.map((object) => {
        const box = placedBox(object);
        return { class: object.class, color: object.color, cx: box.cx, cy: box.cy, size: object.size, width: box.width, height: box.height, confidence: 1 };
      });
      expect(verifyScene(spec, truth).correct, `${spec.prompt} / ${mutated.mutation}`).toBe(false);
      expect(verifyScene(spec, layoutAsSeen(spec, index)).correct, spec.prompt).toBe(true);
    }
  });
});

function layoutAsSeen(spec: Parameters<typeof layoutScene>[0], seed: number): DetectedObject[] {
  return layoutScene(spec, seed).objects.map((object) => {
    const box = placedBox(object);
    return { class: object.class, color: object.color, cx: box.cx, cy: box.cy, size: object.size, width: box.width, height: box.height, confidence: 1 };
  });
}
