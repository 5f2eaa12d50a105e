import type { GenevalRelation } from './geneval-spec.js';

/** An axis-aligned box by centre and size, in one unit for both axes (fractions of a square image). */
export interface CenteredBox {
  readonly cx: number;
  readonly cy: number;
  readonly width: number;
  readonly height: number;
}

/** GenEval's margin: centre offsets are shrunk by this fraction of the two boxes' summed dimensions. */
export const POSITION_THRESHOLD = 0.1;

/**
 * GenEval's `relative_position(a, b)`: the relations of box a to box b. The centre offset is shrunk
 * by 0.1 x (dim a + dim b) per axis, divided by the offset's length; a component beyond ±0.5 is a relation.
 */
export function relativePosition(a: CenteredBox, b: CenteredBox, cut = 0.5): Set<GenevalRelation> {
  const offsetX = a.cx - b.cx;
  const offsetY = a.cy - b.cy;
  const revisedX = Math.max(Math.abs(offsetX) - POSITION_THRESHOLD * (a.width + b.width), 0) * Math.sign(offsetX);
  const revisedY = Math.max(Math.abs(offsetY) - POSITION_THRESHOLD * (a.height + b.height), 0) * Math.sign(offsetY);
  const relations = new Set<GenevalRelation>();
  if (Math.abs(revisedX) < 1e-3 && Math.abs(revisedY) < 1e-3) return relations;
  const norm = Math.hypot(offsetX, offsetY);
  const dx = revisedX / norm;
  const dy = revisedY / norm;
  if (dx < -cut) relations.add('left of');
  if (dx > cut) relations.add('right of');
  if (dy < -cut) relations.add('above');
  if (dy > cut) relations.add('below');
  return relations;
}

/** Whether a clearly stands in `relation` to b and in no other relation (margins for layouts). */
export function clearlyRelated(a: CenteredBox, b: CenteredBox, relation: GenevalRelation): boolean {
  const strong = relativePosition(a, b, 0.8);
  const weak = relativePosition(a, b, 0.35);
  return strong.has(relation) && weak.size === 1;
}
