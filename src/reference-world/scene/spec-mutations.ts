import { COCO_CLASSES } from './coco-classes.js';
import { GENEVAL_COLORS } from './geneval-spec.js';
import type { GenevalRelation, GenevalSpec } from './geneval-spec.js';
import type { SeededRandom } from './seeded-random.js';

/** How a wrong variant differs from the spec it was made from. */
export type SpecMutation = 'missing' | 'count' | 'color' | 'relation' | 'class';

const FLIP: Readonly<Record<GenevalRelation, GenevalRelation>> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' };

/**
 * A deliberately wrong variant of a GenEval spec, the way text-to-image models fail it: a count off by
 * one (counting), another colour (colors), the two colours swapped (color_attr), the relation flipped
 * (position), an object missing or replaced by another class (two_object, single_object). A scene laid
 * out from the variant does not satisfy the original spec. Undefined when no mutation applies.
 */
export function mutateSpec(spec: GenevalSpec, random: SeededRandom): { variant: GenevalSpec; mutation: SpecMutation } | undefined {
  const variant = JSON.parse(JSON.stringify(spec)) as GenevalSpec;
  const include = variant.include;
  switch (spec.tag) {
    case 'counting': {
      const group = include[0];
      if (!group) return undefined;
      group.count += group.count > 1 && random.next() < 0.5 ? -1 : 1;
      return { variant, mutation: 'count' };
    }
    case 'colors': {
      const group = include[0];
      if (!group?.color) return undefined;
      const current = group.color;
      group.color = random.pick(GENEVAL_COLORS.filter((color) => color !== current));
      return { variant, mutation: 'color' };
    }
    case 'color_attr': {
      const [first, second] = include;
      if (!first?.color || !second?.color || first.color === second.color) return undefined;
      [first.color, second.color] = [second.color, first.color];
      return { variant, mutation: 'color' };
    }
    case 'position': {
      const subject = include[1];
      if (!subject?.position) return undefined;
      subject.position = [FLIP[subject.position[0]], subject.position[1]];
      return { variant, mutation: 'relation' };
    }
    default: {
      if (include.length === 0) return undefined;
      if (random.next() < 0.5) {
        include.splice(random.int(include.length), 1);
        return { variant, mutation: 'missing' };
      }
      const group = include[random.int(include.length)];
      if (!group) return undefined;
      group.class = random.pick(COCO_CLASSES.filter((name) => !spec.include.some((object) => object.class === name)));
      return { variant, mutation: 'class' };
    }
  }
}
