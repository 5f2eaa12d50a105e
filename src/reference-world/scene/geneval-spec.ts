/**
 * GenEval's evaluation metadata schema (Ghosh et al. 2023, `evaluation_metadata.jsonl`):
 * which COCO objects a prompt asks for, how many, in which colour and where relative to another.
 */

/** The ten colour names GenEval checks. */
export const GENEVAL_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'black', 'white'] as const;

/** One of GenEval's ten colour names. */
export type GenevalColor = (typeof GENEVAL_COLORS)[number];

/** The four relations GenEval checks (subject relative to a reference object). */
export const GENEVAL_RELATIONS = ['left of', 'right of', 'above', 'below'] as const;

/** A relation of a subject to its reference object, as GenEval words it. */
export type GenevalRelation = (typeof GENEVAL_RELATIONS)[number];

/** GenEval's six prompt categories. */
export const GENEVAL_TAGS = ['single_object', 'two_object', 'counting', 'colors', 'position', 'color_attr'] as const;

/** One of GenEval's six prompt categories. */
export type GenevalTag = (typeof GENEVAL_TAGS)[number];

/** A required object group: `count` objects of `class`, optionally all of `color`, optionally placed relative to `include[position[1]]`. */
export interface GenevalObject {
  class: string;
  count: number;
  color?: GenevalColor;
  position?: [GenevalRelation, number];
}

/** A whole prompt's constraints: objects to include, and (class, count) pairs that must not be reached. */
export interface GenevalSpec {
  tag?: string;
  include: GenevalObject[];
  exclude?: { class: string; count: number }[];
  prompt?: string;
}

/** Whether a string is one of GenEval's colour names. */
export function isGenevalColor(value: string): value is GenevalColor {
  return (GENEVAL_COLORS as readonly string[]).includes(value);
}

/** Whether a string is one of GenEval's relation names. */
export function isGenevalRelation(value: string): value is GenevalRelation {
  return (GENEVAL_RELATIONS as readonly string[]).includes(value);
}
