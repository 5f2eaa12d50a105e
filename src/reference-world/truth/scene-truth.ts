import type { SceneModeKind } from '../difficulty/failure-model.js';
import { verifyScene, type Verdict } from '../reward-models/geneval-verifier.js';
import type { DetectedObject } from '../reward-models/object-detector.js';
import { glyphFor } from '../scene/class-glyphs.js';
import type { GenevalColor, GenevalSpec } from '../scene/geneval-spec.js';
import { rasterizeGlyph } from '../scene/glyph-mask.js';
import { placedBox, type SceneLayout } from '../scene/scene-layout.js';
import { SOLID_WEIGHT, type ReferenceWorldModel, type WorldItem, type WorldSample } from '../sampler/world-model.js';

/** One object as the sampler drew it: class, colour, box (fractions of the image's width and height) and how much of it shows. */
export interface TrueObject {
  readonly class: string;
  readonly color: GenevalColor;
  readonly cx: number;
  readonly cy: number;
  readonly width: number;
  readonly height: number;
  /** Share of its silhouette not covered by objects drawn after it, 0..1. */
  readonly visible: number;
}

/** The ground truth of one image: what the sampler actually drew. */
export interface SceneTruth {
  /** Objects that show (at least half of their silhouette visible) in a solid scene; none in a blend. */
  readonly objects: readonly TrueObject[];
  /** Every object of the dominant scene, hidden ones included. */
  readonly drawn: readonly TrueObject[];
  /** Whether one scene dominates the image (its blend weight ≥ 0.5); a blend of scenes shows no solid object. */
  readonly solid: boolean;
  readonly dominantWeight: number;
  /** The failure mode of the dominant scene ("intended" when it is the scene asked for). */
  readonly modeKind: SceneModeKind | 'off_prompt';
  readonly description: string;
}

/** Objects with less of their silhouette visible than this do not count as drawn. */
export const MIN_VISIBLE = 0.5;
/** Cells per image side of the occlusion grid. */
const OCCLUSION_GRID = 96;

/**
 * The objects of a posed layout, in draw order, with how much of each stays visible: every silhouette
 * is rasterised on a coarse grid in draw order, later objects covering earlier ones.
 */
export function layoutObjects(layout: SceneLayout, width: number, height: number): TrueObject[] {
  const side = Math.min(width, height);
  const gridWidth = Math.max(8, Math.round((OCCLUSION_GRID * width) / side));
  const gridHeight = Math.max(8, Math.round((OCCLUSION_GRID * height) / side));
  const owner = new Int16Array(gridWidth * gridHeight).fill(-1);
  const cells: number[] = [];
  layout.objects.forEach((object, index) => {
    const box = placedBox(object);
    const boxWidth = (box.width * side) / width;
    const boxHeight = (box.height * side) / height;
    const maskSide = Math.max(2, Math.round(Math.max(boxWidth * gridWidth, boxHeight * gridHeight)));
    const mask = rasterizeGlyph(glyphFor(object.class), { rotation: object.rotation ?? 0, stretchX: object.stretchX ?? 1, stretchY: object.stretchY ?? 1 }, maskSide);
    const left = Math.round(object.cx * gridWidth - mask.width / 2);
    const top = Math.round(object.cy * gridHeight - mask.height / 2);
    let count = 0;
    for (let row = 0; row < mask.height; row += 1) {
      const y = top + row;
      if (y < 0 || y >= gridHeight) continue;
      for (let column = 0; column < mask.width; column += 1) {
        const x = left + column;
        if (x < 0 || x >= gridWidth || mask.data[row * mask.width + column] === 0) continue;
        owner[y * gridWidth + x] = index;
        count += 1;
      }
    }
    cells.push(count);
  });
  const visibleCells = new Array<number>(layout.objects.length).fill(0);
  for (const index of owner) if (index >= 0) visibleCells[index] = (visibleCells[index] ?? 0) + 1;
  return layout.objects.map((object, index) => {
    const box = placedBox(object);
    return {
      class: object.class,
      color: object.color,
      cx: object.cx,
      cy: object.cy,
      width: (box.width * side) / width,
      height: (box.height * side) / height,
      visible: (cells[index] ?? 0) === 0 ? 0 : (visibleCells[index] ?? 0) / (cells[index] ?? 1),
    };
  });
}

/** The truth of a sample the world model drew, for an image of the given size. */
export function truthOfSample(world: ReferenceWorldModel, sample: WorldSample, width: number, height: number): SceneTruth {
  const scene = world.posedScene(sample, sample.dominantIndex);
  const drawn = layoutObjects(scene.layout, width, height);
  const solid = sample.dominantWeight >= SOLID_WEIGHT;
  const mode = sample.modeIndex >= 0 ? sample.mixture.modes[sample.modeIndex] : undefined;
  return {
    objects: solid ? drawn.filter((object) => object.visible >= MIN_VISIBLE) : [],
    drawn,
    solid,
    dominantWeight: sample.dominantWeight,
    modeKind: sample.modeKind,
    description: solid ? (mode?.description ?? 'an off-prompt scene') : 'a blend of scenes',
  };
}

/** What the sampler drew for one generate item (the same scene the generator renders for it). */
export async function sceneTruth(world: ReferenceWorldModel, item: WorldItem & { readonly width: number; readonly height: number }): Promise<SceneTruth> {
  return truthOfSample(world, await world.sample(item), item.width, item.height);
}

/**
 * GenEval's rules applied to the truth instead of a detector: every visible true object counts, with
 * certainty, at its true box. This is the benchmark's judge of correctness.
 */
export function judgeTruth(spec: GenevalSpec, truth: SceneTruth): Verdict {
  const detections: DetectedObject[] = truth.objects.map((object) => ({ class: object.class, color: object.color, cx: object.cx, cy: object.cy, size: Math.max(object.width, object.height), width: object.width, height: object.height, confidence: 1 }));
  return verifyScene(spec, detections);
}
