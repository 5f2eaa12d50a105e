import type { GenevalObject, GenevalRelation, GenevalSpec } from '../scene/geneval-spec.js';

/** How to word a scene spec as a prompt (the OPT2I reviser's phrasing strategies). */
export interface PhrasingOptions {
  /** Order in which the spec's objects are mentioned (indices into include); spec order when absent. */
  readonly order?: readonly number[];
  /** Counts as digits ("2 dogs") instead of words ("two dogs"). */
  readonly numerals?: boolean;
  /** One adjective per noun as a clause ("a car that is red") instead of a prefix ("a red car"). */
  readonly colorClause?: boolean;
  /** Relations as explicit layout ("a dog on the left and a cat on the right") instead of "a dog left of a cat". */
  readonly explicitLayout?: boolean;
  /** Object (index into include) named a second time at the end, so its tokens get more attention. */
  readonly emphasize?: number;
  /** Opening words ("a photo of"); empty for none. */
  readonly frame?: string;
  /** Style modifiers appended after a comma. */
  readonly modifiers?: readonly string[];
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'] as const;

const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  person: 'people',
  mouse: 'mice',
  knife: 'knives',
  sheep: 'sheep',
  skis: 'skis',
  scissors: 'scissors',
  'hair drier': 'hair driers',
};

/** The English plural of a COCO class name ("bench" → "benches", "person" → "people"). */
export function pluralOf(className: string): string {
  const irregular = IRREGULAR_PLURALS[className];
  if (irregular !== undefined) return irregular;
  if (/(s|x|z|ch|sh)$/.test(className)) return `${className}es`;
  if (/[^aeiou]y$/.test(className)) return `${className.slice(0, -1)}ies`;
  return `${className}s`;
}

/** "a"/"an" for a following word. */
function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** A count as words or digits (1 becomes the article). */
function quantity(count: number, next: string, numerals: boolean): string {
  if (count === 1) return article(next);
  if (numerals) return String(count);
  return NUMBER_WORDS[count] ?? String(count);
}

/** A noun phrase for one object group: "a red car", "two cars that are red", "3 dogs". */
export function phraseObject(object: GenevalObject, options: PhrasingOptions = {}): string {
  const noun = object.count === 1 ? object.class : pluralOf(object.class);
  const numerals = options.numerals ?? false;
  if (object.color === undefined) return `${quantity(object.count, noun, numerals)} ${noun}`;
  if (options.colorClause) return `${quantity(object.count, noun, numerals)} ${noun} that ${object.count === 1 ? 'is' : 'are'} ${object.color}`;
  return `${quantity(object.count, object.color, numerals)} ${object.color} ${noun}`;
}

const INVERSE_RELATION: Readonly<Record<GenevalRelation, GenevalRelation>> = {
  'left of': 'right of',
  'right of': 'left of',
  above: 'below',
  below: 'above',
};

/** Layout words of each side of a relation in an explicit layout: [subject's place, reference's place]. */
const LAYOUT_WORDS: Readonly<Record<GenevalRelation, readonly [string, string]>> = {
  'left of': ['on the left', 'on the right'],
  'right of': ['on the right', 'on the left'],
  above: ['at the top', 'at the bottom'],
  below: ['at the bottom', 'at the top'],
};

/**
 * Words a scene spec as a prompt, in one of the phrasings an OPT2I reviser tries: object order, numerals or
 * number words, colour prefix or clause, relation words or explicit layout, an emphasis repeat, a frame and
 * modifiers. The meaning (objects, counts, colours, relations) is the spec's, whatever the options.
 */
export function phraseSpec(spec: GenevalSpec, options: PhrasingOptions = {}): string {
  const include = spec.include;
  const order = normaliseOrder(options.order, include.length);
  const rank = new Map(order.map((index, position) => [index, position]));
  const consumed = new Set<number>();
  const parts: { position: number; text: string }[] = [];
  include.forEach((object, index) => {
    if (object.position === undefined) return;
    const [relation, reference] = object.position;
    const referenceObject = include[reference];
    if (referenceObject === undefined || consumed.has(index) || consumed.has(reference)) return;
    consumed.add(index);
    consumed.add(reference);
    const subjectFirst = (rank.get(index) ?? 0) <= (rank.get(reference) ?? 0);
    const subject = phraseObject(object, options);
    const other = phraseObject(referenceObject, options);
    let text: string;
    if (options.explicitLayout) {
      const [subjectPlace, referencePlace] = LAYOUT_WORDS[relation];
      text = subjectFirst ? `${subject} ${subjectPlace} and ${other} ${referencePlace}` : `${other} ${referencePlace} and ${subject} ${subjectPlace}`;
    } else {
      text = subjectFirst ? `${subject} ${relation} ${other}` : `${other} ${INVERSE_RELATION[relation]} ${subject}`;
    }
    parts.push({ position: Math.min(rank.get(index) ?? 0, rank.get(reference) ?? 0), text });
  });
  include.forEach((object, index) => {
    if (!consumed.has(index)) parts.push({ position: rank.get(index) ?? index, text: phraseObject(object, options) });
  });
  parts.sort((left, right) => left.position - right.position);
  const joiner = options.colorClause ? ', and ' : ' and ';
  let body = parts.map((part) => part.text).join(joiner);
  const emphasized = options.emphasize === undefined ? undefined : include[options.emphasize];
  if (emphasized !== undefined) {
    const noun = emphasized.count === 1 ? emphasized.class : pluralOf(emphasized.class);
    body = `${body}, the ${noun} clearly visible`;
  }
  const frame = options.frame ?? 'a photo of';
  const framed = frame === '' ? body : `${frame} ${body}`;
  const modifiers = options.modifiers ?? [];
  return modifiers.length === 0 ? framed : `${framed}, ${modifiers.join(', ')}`;
}

/** A complete permutation of 0..count−1 starting with the given indices (invalid ones dropped). */
function normaliseOrder(order: readonly number[] | undefined, count: number): number[] {
  const result: number[] = [];
  for (const index of order ?? []) {
    if (Number.isInteger(index) && index >= 0 && index < count && !result.includes(index)) result.push(index);
  }
  for (let index = 0; index < count; index += 1) if (!result.includes(index)) result.push(index);
  return result;
}
