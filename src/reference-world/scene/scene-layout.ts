import { glyphFor } from './class-glyphs.js';
import { naturalColorOf } from './class-natural-colors.js';
import { posedExtent, UPRIGHT_POSE } from './glyph-mask.js';
import type { GenevalColor, GenevalRelation, GenevalSpec } from './geneval-spec.js';
import { clearlyRelated } from './relative-position.js';
import type { CenteredBox } from './relative-position.js';
import { SeededRandom } from './seeded-random.js';

/**
 * One object placed in a scene, in fractions of the image: centre (cx of the width, cy of the height),
 * size (the side of the square the upright class glyph fits in, as a fraction of min(width, height))
 * and, optionally, its pose: turned by `rotation` degrees (clockwise) about its centre and stretched
 * along its own axes (upright and unstretched when absent).
 */
export interface PlacedObject {
  class: string;
  color: GenevalColor;
  cx: number;
  cy: number;
  size: number;
  rotation?: number;
  stretchX?: number;
  stretchY?: number;
}

/**
 * A concrete scene: placed objects (drawn in order), the background's hue in degrees and, optionally,
 * the seed of its background clutter (derived from the layout itself when absent; a posed layout keeps
 * the seed of the layout it was posed from, so its clutter stays put).
 */
export interface SceneLayout {
  objects: PlacedObject[];
  backgroundHue: number;
  clutterSeed?: number;
}

/** Margin kept free at the image border, as a fraction of the image. */
const BORDER_MARGIN = 0.04;
/** Smallest free gap between two objects' boxes. */
const OBJECT_GAP = 0.035;

/** The axis-aligned box of a placed object's posed glyph (fractions of a square image). */
export function placedBox(object: PlacedObject): CenteredBox {
  const glyph = glyphFor(object.class);
  const extent = posedExtent(glyph, { rotation: object.rotation ?? UPRIGHT_POSE.rotation, stretchX: object.stretchX ?? 1, stretchY: object.stretchY ?? 1 });
  return { cx: object.cx, cy: object.cy, width: object.size * extent.width, height: object.size * extent.height };
}

/** Whether two boxes keep at least `gap` between them. */
export function boxesApart(a: CenteredBox, b: CenteredBox, gap: number): boolean {
  return Math.abs(a.cx - b.cx) >= (a.width + b.width) / 2 + gap || Math.abs(a.cy - b.cy) >= (a.height + b.height) / 2 + gap;
}

/** Glyph size for a scene of n objects (fraction of the image's shorter side). */
export function baseObjectSize(n: number): number {
  const sizes = [0.46, 0.46, 0.34, 0.29, 0.26, 0.23];
  return sizes[n] ?? 0.52 / Math.sqrt(n);
}

interface Instance {
  readonly group: number;
  readonly className: string;
  readonly color: GenevalColor;
  readonly relation?: readonly [GenevalRelation, number];
}

/** Order of include groups so that a reference group is placed before the groups placed relative to it. */
function placementOrder(spec: GenevalSpec): number[] {
  const order: number[] = [];
  const visit = (index: number, depth: number): void => {
    if (order.includes(index) || depth > spec.include.length) return;
    const reference = spec.include[index]?.position?.[1];
    if (reference !== undefined && reference !== index && spec.include[reference]) visit(reference, depth + 1);
    if (!order.includes(index)) order.push(index);
  };
  spec.include.forEach((_, index) => visit(index, 0));
  return order;
}

/** Where an object may be sampled so a later (or earlier) relation stays satisfiable. */
function samplingRegion(spec: GenevalSpec, group: number): { x: [number, number]; y: [number, number] } {
  const region = { x: [0, 1] as [number, number], y: [0, 1] as [number, number] };
  const own = spec.include[group]?.position;
  if (own) {
    const side: Record<GenevalRelation, () => void> = {
      'left of': () => (region.x = [0, 0.55]),
      'right of': () => (region.x = [0.45, 1]),
      above: () => (region.y = [0, 0.55]),
      below: () => (region.y = [0.45, 1]),
    };
    side[own[0]]();
  }
  spec.include.forEach((object) => {
    if (object.position?.[1] !== group) return;
    const side: Record<GenevalRelation, () => void> = {
      'left of': () => (region.x = [0.45, 1]),
      'right of': () => (region.x = [0, 0.55]),
      above: () => (region.y = [0.45, 1]),
      below: () => (region.y = [0, 0.55]),
    };
    side[object.position[0]]();
  });
  return region;
}

/**
 * A concrete placement of a spec: every requested object (count, colour) placed without overlap,
 * relations satisfied with a clear margin (GenEval's centroid rule), objects without a colour in
 * their class's natural colour. Deterministic per (spec, seed).
 */
export function layoutScene(spec: GenevalSpec, layoutSeed: number): SceneLayout {
  const random = new SeededRandom(layoutSeed);
  const backgroundHue = Math.floor(random.range(0, 360));
  const instances: Instance[] = [];
  for (const group of placementOrder(spec)) {
    const object = spec.include[group];
    if (!object) continue;
    const count = Math.max(0, Math.min(12, Math.floor(object.count)));
    for (let k = 0; k < count; k += 1) {
      instances.push({
        group,
        className: object.class,
        color: object.color ?? naturalColorOf(object.class),
        ...(object.position ? { relation: object.position } : {}),
      });
    }
  }
  const base = baseObjectSize(instances.length);
  for (let round = 0; round < 10; round += 1) {
    const placed = tryPlace(spec, instances, base * Math.pow(0.92, round), random);
    if (placed) return { objects: placed, backgroundHue };
  }
  return { objects: gridPlacement(instances, base), backgroundHue };
}

function tryPlace(spec: GenevalSpec, instances: readonly Instance[], base: number, random: SeededRandom): PlacedObject[] | undefined {
  const placed: PlacedObject[] = [];
  const groups: number[] = [];
  for (const instance of instances) {
    const glyph = glyphFor(instance.className);
    const size = base * random.range(0.9, 1.1);
    const width = size * glyph.width;
    const height = size * glyph.height;
    const region = samplingRegion(spec, instance.group);
    const xMin = Math.max(region.x[0], 0) + BORDER_MARGIN + width / 2;
    const xMax = Math.min(region.x[1], 1) - BORDER_MARGIN - width / 2;
    const yMin = Math.max(region.y[0], 0) + BORDER_MARGIN + height / 2;
    const yMax = Math.min(region.y[1], 1) - BORDER_MARGIN - height / 2;
    let found: PlacedObject | undefined;
    for (let attempt = 0; attempt < 250 && !found; attempt += 1) {
      const candidate: PlacedObject = {
        class: instance.className,
        color: instance.color,
        cx: xMax > xMin ? random.range(xMin, xMax) : (xMin + xMax) / 2,
        cy: yMax > yMin ? random.range(yMin, yMax) : (yMin + yMax) / 2,
        size,
      };
      const box = placedBox(candidate);
      if (box.cx - box.width / 2 < BORDER_MARGIN / 2 || box.cx + box.width / 2 > 1 - BORDER_MARGIN / 2) continue;
      if (box.cy - box.height / 2 < BORDER_MARGIN / 2 || box.cy + box.height / 2 > 1 - BORDER_MARGIN / 2) continue;
      if (!placed.every((other) => boxesApart(box, placedBox(other), OBJECT_GAP))) continue;
      const relation = instance.relation;
      if (relation) {
        const [name, reference] = relation;
        const references = placed.filter((_, index) => groups[index] === reference);
        if (!references.every((other) => clearlyRelated(box, placedBox(other), name))) continue;
      }
      // objects placed before this one that must stand in a relation to it
      const dependentsHold = placed.every((other, index) => {
        const dependentRelation = instances[index]?.relation;
        if (dependentRelation === undefined || dependentRelation[1] !== instance.group) return true;
        return clearlyRelated(placedBox(other), box, dependentRelation[0]);
      });
      if (!dependentsHold) continue;
      found = candidate;
    }
    if (!found) return undefined;
    placed.push(found);
    groups.push(instance.group);
  }
  return placed;
}

/** Fallback when random placement fails: a plain grid, small glyphs, in instance order. */
function gridPlacement(instances: readonly Instance[], base: number): PlacedObject[] {
  const columns = Math.max(1, Math.ceil(Math.sqrt(instances.length)));
  const rows = Math.max(1, Math.ceil(instances.length / columns));
  const size = Math.min(base, 0.8 / Math.max(columns, rows));
  return instances.map((instance, index) => ({
    class: instance.className,
    color: instance.color,
    cx: (0.5 + (index % columns)) / columns,
    cy: (0.5 + Math.floor(index / columns)) / rows,
    size,
  }));
}
