import type { GenevalSpec } from '../scene/geneval-spec.js';
import { NEUTRAL_STYLE } from '../scene/render-style.js';
import { renderPrototype, type ScenePrototype } from './scene-prototype.js';

/**
 * What the model draws with no prompt at all: scenes of the commonest photo subjects in their usual
 * colours (an unconditional model's mass sits on typical training images). The same for every prompt,
 * so classifier-free guidance has a real, prompt-independent unconditional branch to push away from.
 */
export const UNCONDITIONAL_SCENES: readonly GenevalSpec[] = [
  { include: [{ class: 'person', count: 1 }] },
  { include: [{ class: 'person', count: 2 }] },
  { include: [{ class: 'car', count: 1 }] },
  { include: [{ class: 'chair', count: 2 }] },
  { include: [{ class: 'dog', count: 1 }] },
  { include: [{ class: 'cat', count: 1 }] },
  { include: [{ class: 'bird', count: 2 }] },
  { include: [{ class: 'cup', count: 1 }, { class: 'dining table', count: 1 }] },
  { include: [{ class: 'bottle', count: 3 }] },
  { include: [{ class: 'book', count: 2 }] },
  { include: [{ class: 'truck', count: 1 }] },
  { include: [{ class: 'person', count: 1 }, { class: 'umbrella', count: 1 }] },
];

const cache = new Map<number, Promise<ScenePrototype[]>>();

/** The unconditional scenes' prototypes at a latent size, rendered once per process. */
export function unconditionalPrototypes(latentSize: number): Promise<ScenePrototype[]> {
  const cached = cache.get(latentSize);
  if (cached) return cached;
  const made = Promise.all(UNCONDITIONAL_SCENES.map((spec, index) => renderPrototype(-1, spec, NEUTRAL_STYLE, index, latentSize)));
  cache.set(latentSize, made);
  made.catch(() => cache.delete(latentSize));
  return made;
}
