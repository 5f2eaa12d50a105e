import { pluralOf } from '../scene/coco-classes.js';
import type { GenevalObject, GenevalRelation, GenevalSpec } from '../scene/geneval-spec.js';
import type { DetectedObject } from './object-detector.js';
import { relativePosition } from '../scene/relative-position.js';
import type { CenteredBox } from '../scene/relative-position.js';

/** The verdict on one image: the share of the prompt's constraints that hold, and which, in words. */
export interface Verdict {
  /** 1 when every constraint holds, else the fraction that hold. */
  score: number;
  correct: boolean;
  passed: string[];
  /** e.g. "2 dogs (found 1)", "a red car (found a blue car)", "cat left of dog (found right of)". */
  failed: string[];
}

/** Options of the verifier. */
export interface VerifyOptions {
  /** Detections below this confidence are ignored (GenEval: 0.3). */
  readonly minConfidence?: number;
  /**
   * The stricter threshold for a counting prompt, one whose spec caps a count of 2 or more with an
   * exclude of count + 1 (GenEval's evaluate_images.py: COUNTING_THRESHOLD = 0.9 for its `counting` tag).
   */
  readonly countingConfidence?: number;
}

/** "a dog", "an apple", "2 dogs", "a red car". */
function describe(className: string, count: number, color?: string): string {
  const noun = count === 1 ? className : pluralOf(className);
  const phrase = color === undefined ? noun : `${color} ${noun}`;
  if (count !== 1) return `${count} ${phrase}`;
  return `${/^[aeiou]/.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/** Describes the colours of what was found: "a blue car", "1 red car, 1 blue car". */
function describeFound(className: string, found: readonly DetectedObject[]): string {
  if (found.length === 0) return `no ${className}`;
  const byColor = new Map<string, number>();
  for (const object of found) byColor.set(object.color, (byColor.get(object.color) ?? 0) + 1);
  if (byColor.size === 1 && found.length === 1) return describe(className, 1, found[0]?.color);
  return [...byColor].map(([color, count]) => `${count} ${color} ${count === 1 ? className : pluralOf(className)}`).join(', ');
}

function boxOf(object: DetectedObject): CenteredBox {
  return { cx: object.cx, cy: object.cy, width: object.width ?? object.size, height: object.height ?? object.size };
}

/** The relations found between two objects, in words ("right of", "above, left of", "overlapping"). */
function describeRelation(subject: DetectedObject, reference: DetectedObject): string {
  const relations = [...relativePosition(boxOf(subject), boxOf(reference))];
  return relations.length === 0 ? 'overlapping' : relations.join(', ');
}

/**
 * GenEval's rules on detections: each include group needs at least `count` objects of its class
 * (with an exclude of count + 1 this makes counting exact); a colour group needs `count` of them in
 * that colour; a position group needs every chosen subject in the relation to every object chosen for
 * its reference group (centroid offsets with GenEval's 0.1 margin); an exclude needs fewer than
 * `count` objects of its class. Detections are chosen per group by colour match, then confidence.
 * Only detections at GenEval's confidence thresholds count: 0.3, and 0.9 on a counting prompt, so a
 * faint object is missed in a count (the count falls short, or an extra one goes unseen).
 */
export function verifyScene(spec: GenevalSpec, detections: readonly DetectedObject[], options: VerifyOptions = {}): Verdict {
  const counting = (spec.exclude ?? []).some((rule) => spec.include.some((group) => group.class === rule.class && group.count >= 2 && rule.count === group.count + 1));
  const minConfidence = counting ? (options.countingConfidence ?? 0.9) : (options.minConfidence ?? 0.3);
  const confident = detections.filter((object) => object.confidence >= minConfidence);
  const ofClass = (className: string): DetectedObject[] =>
    confident.filter((object) => object.class === className).sort((a, b) => b.confidence - a.confidence);
  const passed: string[] = [];
  const failed: string[] = [];
  const check = (holds: boolean, words: string, found: string): void => {
    if (holds) passed.push(words);
    else failed.push(`${words} (found ${found})`);
  };

  const chosen: (DetectedObject[] | undefined)[] = [];
  spec.include.forEach((group: GenevalObject, index) => {
    const found = ofClass(group.class);
    const count = Math.max(0, group.count);
    check(found.length >= count, describe(group.class, count), String(found.length));
    let groupHolds = found.length >= count;
    const preferred = group.color === undefined ? found : [...found].sort((a, b) => Number(b.color === group.color) - Number(a.color === group.color));
    const selection = preferred.slice(0, count);
    if (group.color !== undefined) {
      const matching = found.filter((object) => object.color === group.color).length;
      const holds = matching >= count;
      check(holds, describe(group.class, count, group.color), describeFound(group.class, found));
      groupHolds &&= holds;
    }
    if (group.position !== undefined) {
      const [relation, referenceIndex] = group.position;
      const reference = spec.include[referenceIndex];
      const words = `${group.class} ${relation} ${reference?.class ?? 'nothing'}`;
      const references = referenceIndex < index ? chosen[referenceIndex] : undefined;
      if (!reference || !references || references.length === 0) {
        check(false, words, `no ${reference?.class ?? 'reference'}`);
        groupHolds = false;
      } else if (selection.length < count || selection.length === 0) {
        check(false, words, `no ${group.class}`);
        groupHolds = false;
      } else {
        const broken = findBrokenPair(selection, references, relation);
        check(broken === undefined, words, broken === undefined ? '' : describeRelation(broken[0], broken[1]));
        groupHolds &&= broken === undefined;
      }
    }
    chosen[index] = groupHolds ? selection : undefined;
  });

  for (const rule of spec.exclude ?? []) {
    const found = ofClass(rule.class).length;
    const words = rule.count <= 1 ? `no ${rule.class}` : `at most ${rule.count - 1} ${rule.count - 1 === 1 ? rule.class : pluralOf(rule.class)}`;
    check(found < rule.count, words, String(found));
  }

  const total = passed.length + failed.length;
  return {
    score: total === 0 ? 1 : passed.length / total,
    correct: failed.length === 0,
    passed,
    failed,
  };
}

function findBrokenPair(subjects: readonly DetectedObject[], references: readonly DetectedObject[], relation: GenevalRelation): [DetectedObject, DetectedObject] | undefined {
  for (const subject of subjects) {
    for (const reference of references) {
      if (!relativePosition(boxOf(subject), boxOf(reference)).has(relation)) return [subject, reference];
    }
  }
  return undefined;
}
