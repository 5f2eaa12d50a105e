import { glyphFor } from '../scene/class-glyphs.js';
import { COCO_CLASSES } from '../scene/coco-classes.js';
import { rasterizeGlyph, UPRIGHT_POSE, type GlyphPose } from '../scene/glyph-mask.js';
import { FEATURE_COUNT, FEATURE_WEIGHTS, silhouetteFeatures, type BinaryMask } from './silhouette-features.js';

/** One class a silhouette may show, and how far its features are from that class's examples. */
export interface SilhouetteMatch {
  readonly class: string;
  readonly distance: number;
}

/** Poses the classifier learns each class at (turns in degrees, stretches of the glyph's x axis). */
const TRAINING_ROTATIONS = [-20, -10, 0, 10, 20] as const;
const TRAINING_STRETCHES = [0.9, 1, 1.11] as const;
/** Mask sides the examples are drawn at (the sizes objects have at the detector's resolution). */
const TRAINING_SIDES = [44, 84] as const;
/** Side of the upright master silhouette the posed examples are resampled from. */
const MASTER_SIDE = 96;
/** Background gaps up to this many pixels within a row are filled, as the detector's run segmentation does. */
export const ROW_GAP_BRIDGE = 4;

/** Fills short background gaps inside each row (what bridged run segmentation produces). */
export function bridgeRowGaps(mask: BinaryMask, gap: number): BinaryMask {
  const data = Uint8Array.from(mask.data);
  for (let row = 0; row < mask.height; row += 1) {
    let last = -1;
    for (let column = 0; column < mask.width; column += 1) {
      if (data[row * mask.width + column] === 0) continue;
      if (last >= 0 && column - last - 1 <= gap) data.fill(1, row * mask.width + last + 1, row * mask.width + column);
      last = column;
    }
  }
  return { width: mask.width, height: mask.height, data };
}

/** A posed example resampled (nearest cell) from an upright master silhouette. */
function posedFromMaster(master: BinaryMask, pose: GlyphPose, side: number): BinaryMask {
  const angle = (pose.rotation * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const w = master.width * pose.stretchX;
  const h = master.height * pose.stretchY;
  const extentX = Math.abs(w * cos) + Math.abs(h * sin);
  const extentY = Math.abs(w * sin) + Math.abs(h * cos);
  const scale = side / Math.max(extentX, extentY);
  const width = Math.max(1, Math.round(extentX * scale));
  const height = Math.max(1, Math.round(extentY * scale));
  const data = new Uint8Array(width * height);
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) {
      const px = (column + 0.5 - width / 2) / scale;
      const py = (row + 0.5 - height / 2) / scale;
      const mx = Math.floor((px * cos + py * sin) / pose.stretchX + master.width / 2);
      const my = Math.floor((-px * sin + py * cos) / pose.stretchY + master.height / 2);
      if (mx >= 0 && my >= 0 && mx < master.width && my < master.height) data[row * width + column] = master.data[my * master.width + mx] ?? 0;
    }
  }
  return { width, height, data };
}

interface Example {
  readonly className: string;
  readonly features: Float64Array;
}

/** The learned examples and the per-feature scale distances are measured in. */
interface Model {
  readonly examples: readonly Example[];
  readonly scales: Float64Array;
}

let model: Model | undefined;

/**
 * The classifier's "training": every class's silhouette drawn at a few turns, stretches and sizes
 * (resampled from one upright master), with short row gaps bridged as the detector's segmentation
 * bridges them; the features are kept as examples, each feature scaled by its spread over all
 * examples. Built once per process (well under a second); it never sees a rendered image, only the
 * class's shape.
 */
function trainedModel(): Model {
  if (model) return model;
  const examples: Example[] = [];
  for (const className of COCO_CLASSES) {
    const master = rasterizeGlyph(glyphFor(className), UPRIGHT_POSE, MASTER_SIDE);
    for (const rotation of TRAINING_ROTATIONS) {
      for (const stretch of TRAINING_STRETCHES) {
        for (const side of TRAINING_SIDES) {
          const mask = bridgeRowGaps(posedFromMaster(master, { rotation, stretchX: stretch, stretchY: 1 / stretch }, side), ROW_GAP_BRIDGE);
          examples.push({ className, features: silhouetteFeatures(mask) });
        }
      }
    }
  }
  const scales = new Float64Array(FEATURE_COUNT);
  for (let feature = 0; feature < FEATURE_COUNT; feature += 1) {
    const values = examples.map((example) => example.features[feature] ?? 0);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
    scales[feature] = (FEATURE_WEIGHTS[feature] ?? 1) / Math.max(1e-6, std);
  }
  model = { examples, scales };
  return model;
}

/** Builds the classifier now (otherwise on first use). */
export function warmSilhouetteClassifier(): void {
  trainedModel();
}

/**
 * The classes a silhouette most resembles, nearest first: for each class, the distance (weighted,
 * scaled Euclidean) from the silhouette's features to that class's nearest example.
 */
export function classifySilhouette(mask: BinaryMask, top = 3): SilhouetteMatch[] {
  const { examples, scales } = trainedModel();
  const features = silhouetteFeatures(mask);
  const best = new Map<string, number>();
  for (const example of examples) {
    let sum = 0;
    for (let feature = 0; feature < FEATURE_COUNT; feature += 1) {
      const difference = ((features[feature] ?? 0) - (example.features[feature] ?? 0)) * (scales[feature] ?? 1);
      sum += difference * difference;
    }
    const distance = Math.sqrt(sum);
    if (distance < (best.get(example.className) ?? Infinity)) best.set(example.className, distance);
  }
  return [...best].map(([className, distance]) => ({ class: className, distance })).sort((left, right) => left.distance - right.distance).slice(0, top);
}
