import { CLASS_SYNONYMS, IRREGULAR_PLURALS, regularPlural } from '../scene/coco-classes.js';

/**
 * How familiar a text encoder is with each way of naming a class, relative to the commonest name of
 * that class (1): rare spellings and dataset jargon were seen far less often in web captions than
 * their everyday synonyms ("hair drier" is COCO's spelling, "hair dryer" everyone else's; "sports ball"
 * is COCO jargon for "ball"). Rough relative web frequencies, an assumption of this world, not a
 * measurement; names not listed count as 1. A prompt that uses an unfamiliar name is understood less
 * well, so rewording it with the common synonym helps.
 */
export const NAME_FAMILIARITY: Readonly<Record<string, number>> = {
  'hair drier': 0.05, 'hair dryer': 1, hairdryer: 0.6, 'blow dryer': 0.5,
  'sports ball': 0.08, ball: 1, football: 1, 'soccer ball': 1, basketball: 1,
  'potted plant': 0.3, plant: 1, houseplant: 0.7, 'pot plant': 0.3,
  'dining table': 0.5, table: 1,
  'tv remote': 0.3, remote: 0.8, 'remote control': 1,
  'computer mouse': 0.6, mouse: 1,
  'computer keyboard': 0.6, keyboard: 1,
  couch: 0.8, sofa: 1,
  donut: 1, doughnut: 0.6,
  'cell phone': 0.7, phone: 1, cellphone: 0.4, 'mobile phone': 0.6, smartphone: 1,
  tv: 1, television: 1, 'tv set': 0.4,
  motorcycle: 1, motorbike: 0.5, scooter: 0.8,
  airplane: 1, plane: 1, aeroplane: 0.2, airliner: 0.4, jet: 0.8, aircraft: 0.8,
  skis: 0.6, ski: 1, 'pair of skis': 0.5,
  'baseball glove': 0.7, glove: 1, mitt: 0.4,
  'baseball bat': 1, bat: 0.6,
  'tennis racket': 1, racket: 0.8, racquet: 0.4, 'tennis racquet': 0.4,
  refrigerator: 0.8, fridge: 1,
  'parking meter': 0.8, 'fire hydrant': 1, hydrant: 0.6,
  'traffic light': 1, stoplight: 0.4, 'traffic signal': 0.5,
  'wine glass': 1, wineglass: 0.3,
  'hot dog': 1, hotdog: 0.6,
  'teddy bear': 1, teddy: 0.6,
  handbag: 0.8, purse: 1,
  backpack: 1, rucksack: 0.3,
  suitcase: 1, luggage: 0.8,
  tie: 1, necktie: 0.4,
  lorry: 0.3, 'pickup truck': 0.8,
};

/** A class's names, canonical first, each with its plural forms. */
function namesOf(className: string): readonly string[] {
  return [className, ...(CLASS_SYNONYMS[className] ?? [])];
}

/** Regex-safe text. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PATTERNS = new Map<string, readonly { name: string; pattern: RegExp }[]>();

/** Word-boundary patterns of every name of a class (singular and plural), longest first. */
function patternsOf(className: string): readonly { name: string; pattern: RegExp }[] {
  const cached = PATTERNS.get(className);
  if (cached) return cached;
  const patterns = namesOf(className)
    .map((name) => {
      const plurals = new Set([regularPlural(name), IRREGULAR_PLURALS[name] ?? regularPlural(name), `${name}s`]);
      const forms = [name, ...plurals].sort((left, right) => right.length - left.length).map(escape);
      return { name, pattern: new RegExp(`(?:^|[^a-z])(?:${forms.join('|')})(?![a-z])`) };
    })
    .sort((left, right) => right.name.length - left.name.length);
  PATTERNS.set(className, patterns);
  return patterns;
}

/**
 * The familiarity (0..1] of the name a prompt uses for a class: the name that appears earliest in the
 * (lower-cased) text, longer names first when they overlap; 1 when no name of the class is found.
 */
export function nameFamiliarity(text: string, className: string): number {
  const lower = text.toLowerCase();
  let best: { index: number; name: string } | undefined;
  for (const { name, pattern } of patternsOf(className)) {
    const match = pattern.exec(lower);
    if (match === null) continue;
    if (best === undefined || match.index < best.index) best = { index: match.index, name };
  }
  return best === undefined ? 1 : (NAME_FAMILIARITY[best.name] ?? 1);
}
