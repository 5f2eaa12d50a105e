import { describe, expect, it } from 'vitest';
import { naturalColorOf, TYPICAL_COLORS } from '../../../src/reference-world/scene/class-natural-colors.js';
import { COCO_CLASSES } from '../../../src/reference-world/scene/coco-classes.js';
import { generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';
import { clearlyRelated } from '../../../src/reference-world/scene/relative-position.js';
import { boxesApart, layoutScene, placedBox } from '../../../src/reference-world/scene/scene-layout.js';

describe('layoutScene', () => {
  it('satisfies every spec of the suite: counts, colours, clear relations, no overlap, inside the frame', () => {
    // Prepare
    const suite = generateGenevalSuite(2);

    // Act
    const layouts = suite.map((spec, index) => layoutScene(spec, index));

    // Assess
    layouts.forEach((layout, index) => {
      const spec = suite[index];
      if (!spec) throw new Error('missing spec');
      const expectedCount = spec.include.reduce((sum, object) => sum + object.count, 0);
      expect(layout.objects).toHaveLength(expectedCount);
      const groups: number[] = [];
      spec.include.forEach((object, group) => {
        const members = layout.objects.filter((placed) => placed.class === object.class);
        expect(members.length).toBeGreaterThanOrEqual(object.count);
        for (const member of members) expect(member.color).toBe(object.color ?? naturalColorOf(object.class));
        groups.push(group);
        if (object.position) {
          const reference = spec.include[object.position[1]];
          const references = layout.objects.filter((placed) => placed.class === reference?.class);
          for (const member of members) for (const other of references) expect(clearlyRelated(placedBox(member), placedBox(other), object.position[0])).toBe(true);
        }
      });
      layout.objects.forEach((a, i) => {
        const box = placedBox(a);
        expect(box.cx - box.width / 2).toBeGreaterThanOrEqual(0);
        expect(box.cy + box.height / 2).toBeLessThanOrEqual(1);
        layout.objects.slice(i + 1).forEach((b) => expect(boxesApart(box, placedBox(b), 0.03)).toBe(true));
      });
    });
  });

  it('is deterministic per seed and varies across seeds', () => {
    // Prepare
    const spec = { include: [{ class: 'dog', count: 3 }, { class: 'cat', count: 1, color: 'blue' as const, position: ['left of', 0] as ['left of', number] }] };

    // Act
    const first = layoutScene(spec, 9);
    const again = layoutScene(spec, 9);
    const other = layoutScene(spec, 10);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('gives every class its usual colours, the first one its natural colour', () => {
    // Assess
    expect(Object.keys(TYPICAL_COLORS).sort()).toEqual([...COCO_CLASSES].sort());
    for (const className of COCO_CLASSES) expect(naturalColorOf(className)).toBe(TYPICAL_COLORS[className]?.[0]);
  });
});
