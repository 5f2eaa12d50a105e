import { COCO_CLASSES, pluralOf } from './coco-classes.js';
import { GENEVAL_COLORS, GENEVAL_RELATIONS } from './geneval-spec.js';
import type { GenevalColor, GenevalRelation, GenevalSpec } from './geneval-spec.js';
import { SeededRandom } from './seeded-random.js';

/** How many prompts of each GenEval category the official suite has (553 in all). */
export const GENEVAL_SUITE_COUNTS = {
  single_object: 80,
  two_object: 99,
  counting: 80,
  colors: 94,
  position: 100,
  color_attr: 100,
} as const;

const NUMBER_NAMES: Readonly<Record<number, string>> = { 2: 'two', 3: 'three', 4: 'four' };

/** "a" or "an" before a word, as GenEval writes it (by the first letter). */
export function articleFor(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** A noun phrase with its article: "an apple", "a purple wine glass". */
function withArticle(phrase: string): string {
  return `${articleFor(phrase)} ${phrase}`;
}

/** A single object's GenEval prompt text. */
function phrase(className: string, color?: GenevalColor): string {
  return withArticle(color === undefined ? className : `${color} ${className}`);
}

/**
 * A GenEval-schema suite made from the 80 COCO classes: 553 specs with GenEval's categories, their
 * proportions and phrasing ("a photo of two clocks", "a photo of a dog right of a teddy bear").
 * Deterministic per seed; plurals are proper English ("benches", "knives", "people").
 */
export function generateGenevalSuite(seed = 0): GenevalSpec[] {
  const random = new SeededRandom(seed ^ 0x5eed);
  const specs: GenevalSpec[] = [];
  const distinctPair = (): [string, string] => {
    const first = random.pick(COCO_CLASSES);
    let second = random.pick(COCO_CLASSES);
    while (second === first) second = random.pick(COCO_CLASSES);
    return [first, second];
  };

  for (const className of random.shuffle(COCO_CLASSES).slice(0, GENEVAL_SUITE_COUNTS.single_object)) {
    specs.push({ tag: 'single_object', include: [{ class: className, count: 1 }], prompt: `a photo of ${phrase(className)}` });
  }
  for (let i = 0; i < GENEVAL_SUITE_COUNTS.two_object; i += 1) {
    const [first, second] = distinctPair();
    specs.push({
      tag: 'two_object',
      include: [{ class: first, count: 1 }, { class: second, count: 1 }],
      prompt: `a photo of ${phrase(first)} and ${phrase(second)}`,
    });
  }
  for (let i = 0; i < GENEVAL_SUITE_COUNTS.counting; i += 1) {
    const className = random.pick(COCO_CLASSES);
    const count = 2 + random.int(3);
    specs.push({
      tag: 'counting',
      include: [{ class: className, count }],
      exclude: [{ class: className, count: count + 1 }],
      prompt: `a photo of ${NUMBER_NAMES[count] ?? String(count)} ${pluralOf(className)}`,
    });
  }
  for (let i = 0; i < GENEVAL_SUITE_COUNTS.colors; i += 1) {
    const className = random.pick(COCO_CLASSES);
    const color = random.pick(GENEVAL_COLORS);
    specs.push({ tag: 'colors', include: [{ class: className, count: 1, color }], prompt: `a photo of ${phrase(className, color)}` });
  }
  for (let i = 0; i < GENEVAL_SUITE_COUNTS.position; i += 1) {
    const [subject, reference] = distinctPair();
    const relation: GenevalRelation = random.pick(GENEVAL_RELATIONS);
    specs.push({
      tag: 'position',
      include: [{ class: reference, count: 1 }, { class: subject, count: 1, position: [relation, 0] }],
      prompt: `a photo of ${phrase(subject)} ${relation} ${phrase(reference)}`,
    });
  }
  for (let i = 0; i < GENEVAL_SUITE_COUNTS.color_attr; i += 1) {
    const [first, second] = distinctPair();
    const firstColor = random.pick(GENEVAL_COLORS);
    let secondColor = random.pick(GENEVAL_COLORS);
    while (secondColor === firstColor) secondColor = random.pick(GENEVAL_COLORS);
    specs.push({
      tag: 'color_attr',
      include: [{ class: first, count: 1, color: firstColor }, { class: second, count: 1, color: secondColor }],
      prompt: `a photo of ${phrase(first, firstColor)} and ${phrase(second, secondColor)}`,
    });
  }
  return specs;
}
