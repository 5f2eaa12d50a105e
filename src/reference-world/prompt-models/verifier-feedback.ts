import { escapeRegExp } from './escape-regexp.js';
import { COLOUR_WORDS, type PromptReading } from './prompt-reading.js';
import { pluralNoun } from './noun-inflection.js';

/** What kind of constraint a `missed:` item says failed. */
export type MissKind = 'omission' | 'count' | 'colour' | 'relation' | 'other';

/** A `missed:` item as the reviser understands it. */
export interface ReadMiss {
  /** Index of the initial prompt's mention it is about, −1 when none matched. */
  readonly mention: number;
  readonly kind: MissKind;
}

const RELATION_WORDS = /\b(?:left|right|above|below|under|over|top|bottom|beside|next to|near)\b/;
const COLOUR = new RegExp(`\\b(?:${COLOUR_WORDS.join('|')})\\b`);

/**
 * Reads one `missed:` item of the meta-prompt — the verifier's words for a failed constraint, such as
 * "2 dogs (found 1)", "a red car (found a blue car)", "dog right of teddy bear (found left of)" or
 * "a sports ball (found 0)" — against the reading of the initial prompt: which object, and what failed.
 */
export function readMiss(item: string, reading: PromptReading): ReadMiss {
  const text = item.toLowerCase();
  const [wanted = text, found = ''] = text.split(/\(\s*found\s*/);
  // The item's object: the longest noun of the reading it names ("wine glass" over "glass"), then the first named.
  let mention = -1;
  let bestLength = 0;
  let bestPosition = Infinity;
  reading.mentions.forEach((candidate, index) => {
    const position = Math.min(...[candidate.noun, pluralNoun(candidate.noun)].map((form) => new RegExp(`\\b${escapeRegExp(form)}\\b`).exec(wanted)?.index ?? Infinity));
    if (position === Infinity) return;
    if (candidate.noun.length > bestLength || (candidate.noun.length === bestLength && position < bestPosition)) {
      mention = index;
      bestLength = candidate.noun.length;
      bestPosition = position;
    }
  });
  if (RELATION_WORDS.test(wanted) || RELATION_WORDS.test(found)) return { mention, kind: 'relation' };
  if (/^\s*(?:0\b|no\b|none|nothing|zero)/.test(found)) return { mention, kind: 'omission' };
  if (COLOUR.test(wanted) && !/^\s*\d+\s*\)?\s*$/.test(found)) return { mention, kind: 'colour' };
  if (/^\s*\d+/.test(found) || /^\s*(?:\d+|at most)\b/.test(wanted)) return { mention, kind: 'count' };
  return { mention, kind: mention >= 0 ? 'omission' : 'other' };
}
