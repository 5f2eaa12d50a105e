import type { SceneLayout } from '../scene/scene-layout.js';
import type { SceneLighting } from '../scene/scene-lighting.js';
import { hashString } from '../scene/seeded-random.js';
import { standardNormalTensor } from './normal-rng.js';

/**
 * The continuous part of a sample: within whichever scene the sampler settles on, the initial noise
 * also decides where exactly each object stands, how large it is, how it is turned and stretched,
 * how the scene is lit and how much detail it shows. Each parameter is a smooth, bounded function of
 * one projection u = ⟨x_T, d⟩ of the initial noise onto a fixed unit direction d, so it is standard
 * normal for a fresh noise and moves continuously as the noise does: a neighbour cos θ·x + sin θ·ε has
 * u = cos θ·u(x) + sin θ·u(ε), hence a nearby pose, and an independent noise an independent one.
 */
export interface ScenePose {
  /** Per object instance (in layout order, up to `POSED_INSTANCES`): offsets, scale and pose. */
  readonly instances: readonly InstancePose[];
  readonly lighting: SceneLighting;
  /** Background hue shift, degrees. */
  readonly hueShift: number;
  /** Added to the style's detail. */
  readonly detailShift: number;
}

/** How one object instance moves away from its layout. */
export interface InstancePose {
  /** Centre offsets, fractions of the image. */
  readonly dx: number;
  readonly dy: number;
  /** Size factor. */
  readonly scale: number;
  /** Turn, degrees clockwise. */
  readonly rotation: number;
  /** Stretch along the glyph's own axes (area kept). */
  readonly stretch: number;
}

/** Instances that get their own pose; later ones reuse the pose of instance k mod 12. */
export const POSED_INSTANCES = 12;
const PER_INSTANCE = 5;
const GLOBAL = 6;

/** Largest effect of each parameter (the tanh bounds). */
export const POSE_RANGES = {
  offset: 0.07,
  logScale: 0.16,
  rotation: 18,
  logStretch: 0.1,
  gradient: 0.5,
  temperature: 1,
  exposure: 0.35,
  hueShift: 30,
  detailShift: 0.12,
} as const;

const directions = new Map<number, Float64Array[]>();

/** The fixed unit directions of a latent size (seeded, so every process uses the same). */
function poseDirections(dimension: number): Float64Array[] {
  const cached = directions.get(dimension);
  if (cached) return cached;
  const count = POSED_INSTANCES * PER_INSTANCE + GLOBAL;
  const made: Float64Array[] = [];
  for (let index = 0; index < count; index += 1) {
    const raw = standardNormalTensor(hashString(`pose-direction|${index}`), dimension);
    let norm = 0;
    for (let k = 0; k < dimension; k += 1) norm += (raw[k] ?? 0) ** 2;
    const scale = 1 / Math.sqrt(norm);
    made.push(Float64Array.from(raw, (value) => value * scale));
  }
  directions.set(dimension, made);
  return made;
}

/** A bounded, smooth map of a standard-normal projection to ±range (about range·0.6·u near 0). */
function bounded(u: number, range: number): number {
  return range * Math.tanh(0.6 * u);
}

/** The pose an initial noise x_T gives a scene. */
export function poseFromNoise(noise: ArrayLike<number>): ScenePose {
  const dims = poseDirections(noise.length);
  const projections = dims.map((direction) => {
    let sum = 0;
    for (let k = 0; k < noise.length; k += 1) sum += (noise[k] ?? 0) * (direction[k] ?? 0);
    return sum;
  });
  const at = (index: number): number => projections[index] ?? 0;
  const instances: InstancePose[] = [];
  for (let instance = 0; instance < POSED_INSTANCES; instance += 1) {
    const offset = instance * PER_INSTANCE;
    instances.push({
      dx: bounded(at(offset), POSE_RANGES.offset),
      dy: bounded(at(offset + 1), POSE_RANGES.offset),
      scale: Math.exp(bounded(at(offset + 2), POSE_RANGES.logScale)),
      rotation: bounded(at(offset + 3), POSE_RANGES.rotation),
      stretch: Math.exp(bounded(at(offset + 4), POSE_RANGES.logStretch)),
    });
  }
  const global = POSED_INSTANCES * PER_INSTANCE;
  return {
    instances,
    lighting: {
      gradientX: bounded(at(global), POSE_RANGES.gradient),
      gradientY: bounded(at(global + 1), POSE_RANGES.gradient),
      temperature: bounded(at(global + 2), POSE_RANGES.temperature),
      exposure: bounded(at(global + 3), POSE_RANGES.exposure),
    },
    hueShift: bounded(at(global + 4), POSE_RANGES.hueShift),
    detailShift: bounded(at(global + 5), POSE_RANGES.detailShift),
  };
}

/**
 * A layout moved by a pose: each object offset, scaled, turned and stretched, then pulled back inside
 * the frame (its box kept 2% from every edge); the background hue shifted; the clutter seed kept.
 */
export function poseLayout(layout: SceneLayout, pose: ScenePose, clutterSeed: number): SceneLayout {
  return {
    backgroundHue: (((layout.backgroundHue + pose.hueShift) % 360) + 360) % 360,
    clutterSeed,
    objects: layout.objects.map((object, index) => {
      const instance = pose.instances[index % POSED_INSTANCES] as InstancePose;
      const size = object.size * instance.scale;
      const half = size / 2;
      const inside = (value: number): number => Math.min(1 - 0.02 - half * 0.8, Math.max(0.02 + half * 0.8, value));
      return {
        ...object,
        cx: inside(object.cx + instance.dx),
        cy: inside(object.cy + instance.dy),
        size,
        rotation: (object.rotation ?? 0) + instance.rotation,
        stretchX: (object.stretchX ?? 1) * instance.stretch,
        stretchY: (object.stretchY ?? 1) / instance.stretch,
      };
    }),
  };
}
