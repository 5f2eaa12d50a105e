import { naturalColorOf } from '../scene/class-natural-colors.js';
import type { GenevalSpec } from '../scene/geneval-spec.js';
import { COCO_TRAIN_INSTANCES } from './coco-statistics.js';
import { colorAtypicality } from './color-typicality.js';

/** Weights of the scene prior (assumptions of this world). */
const PRIOR = {
  /** Exponent on each object class's COCO frequency relative to person's. */
  frequency: 0.3,
  /** Per extra instance of a group. */
  instance: -0.6,
  /** Per extra object group. */
  group: -0.8,
  /** Per unit of colour atypicality. */
  atypicalColor: -1.2,
} as const;

const MOST_FREQUENT = Math.max(...Object.values(COCO_TRAIN_INSTANCES));

/**
 * The unconditional model's log-density of a scene, up to a constant: how typical the scene is of
 * photos in general, from the scene alone (never from the prompt being sampled): frequent classes,
 * few objects, usual colours are likelier. Every prompt's sampler weighs the same scene the same, so
 * the unconditional branch of classifier-free guidance is prompt-independent; guidance then pushes a
 * sample away from the typical scenes (a brown bear, one object fewer) towards what was asked.
 */
export function sceneLogPrior(spec: GenevalSpec): number {
  let log = PRIOR.group * Math.max(0, spec.include.length - 1);
  for (const object of spec.include) {
    const count = COCO_TRAIN_INSTANCES[object.class] ?? 1;
    log += PRIOR.frequency * Math.log(count / MOST_FREQUENT);
    log += PRIOR.instance * Math.max(0, object.count - 1);
    log += PRIOR.atypicalColor * colorAtypicality(object.class, object.color ?? naturalColorOf(object.class));
  }
  return log;
}
