import type { GenevalSpec } from '../scene/geneval-spec.js';
import { hashString } from '../scene/seeded-random.js';
import { standardNormalTensor } from '../sampler/normal-rng.js';

/** Degrees of freedom of the Student-t of a prompt's content difficulty (3: heavy tails, finite variance). */
export const CONTENT_DIFFICULTY_DEGREES = 3;

/**
 * The canonical text of what a spec asks for, independent of wording and object order: each group as
 * `count class [colour] [relation reference-class]`, sorted. Two prompts asking for the same scene share it.
 */
export function contentKey(spec: GenevalSpec): string {
  return spec.include
    .map((object) => {
      const relation = object.position ? ` ${object.position[0]} ${spec.include[object.position[1]]?.class ?? '?'}` : '';
      return `${object.count} ${object.class}${object.color ? ` ${object.color}` : ''}${relation}`;
    })
    .sort()
    .join('; ');
}

/** The wording of a prompt with case, punctuation and spacing normalised. */
export function wordingKey(prompt: string): string {
  return prompt.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * A prompt's latent difficulty, the part of how hard a scene is that no table of facts explains (the
 * model's idiosyncrasies: some scenes simply come out wrong, whatever the seed). Two draws, seeded by
 * hashes so they are deterministic:
 * - `content` ~ Student-t with 3 degrees of freedom, from the spec's content key: shared by every
 *   wording of the same scene, heavy-tailed, so a few scenes are far harder (or easier) than their
 *   facts say — the ones no amount of sampling fixes;
 * - `wording` ~ N(0, 1), from the normalised wording: a rephrasing of the same scene draws anew.
 */
export function latentDifficulty(spec: GenevalSpec, prompt: string): { content: number; wording: number } {
  const draws = standardNormalTensor(hashString(`content|${contentKey(spec)}`), CONTENT_DIFFICULTY_DEGREES + 1);
  let chiSquare = 0;
  for (let index = 1; index <= CONTENT_DIFFICULTY_DEGREES; index += 1) chiSquare += (draws[index] ?? 0) ** 2;
  const content = (draws[0] ?? 0) / Math.sqrt(Math.max(1e-6, chiSquare / CONTENT_DIFFICULTY_DEGREES));
  const wording = standardNormalTensor(hashString(`wording|${wordingKey(prompt)}`), 1)[0] ?? 0;
  return { content, wording };
}
