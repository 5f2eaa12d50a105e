/**
 * How the reference prompt models read a prompt: light heuristics of their own (a few word lists and
 * regexes), the way an LLM understands a caption — good on plain GenEval-style prompts, imperfect on
 * unusual wording. Deliberately independent of the world's prompt parser: the prompt models must not
 * know how the world reads prompts.
 */
import { singularOf } from './noun-inflection.js';

/** One group of objects a prompt mentions ("two black dogs"). */
export interface ReadMention {
  /** The noun, singular as the reader understood it ("dog", "wine glass"). */
  readonly noun: string;
  readonly count: number;
  readonly colour?: string;
  /** Other adjectives kept in front of the noun ("small", "wooden"). */
  readonly adjectives: readonly string[];
}

/** A spatial relation between two mentions. */
export type ReadRelation = 'left of' | 'right of' | 'above' | 'below' | 'near';

/** "mention `subject` is `relation` mention `reference`". */
export interface ReadPlacement {
  readonly subject: number;
  readonly relation: ReadRelation;
  readonly reference: number;
}

/** What a prompt asks for, as the prompt models read it. */
export interface PromptReading {
  readonly mentions: readonly ReadMention[];
  readonly placements: readonly ReadPlacement[];
  /** Comma-separated phrases after the content that are not objects ("highly detailed", "8k"). */
  readonly style: readonly string[];
}

/** Colour words the reader knows (a caption writer's list, wider than GenEval's ten). */
export const COLOUR_WORDS: readonly string[] = [
  'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'black', 'white',
  'gray', 'grey', 'silver', 'gold', 'golden', 'beige', 'violet', 'navy', 'teal', 'turquoise', 'maroon', 'crimson',
];

/** Number words 0–12, as the reader and writer spell them. */
export const NUMBER_WORDS: readonly string[] = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

const QUANTITY_PHRASES: readonly (readonly [RegExp, number])[] = [
  [/^(?:a\s+)?(?:pair|couple)\s+of\s+/, 2],
  [/^(?:a\s+)?trio\s+of\s+/, 3],
  [/^(?:a\s+)?dozen\s+/, 12],
  [/^(?:a\s+single|single|just\s+one|only\s+one)\s+/, 1],
];

const EXACTNESS = /^(?:exactly|precisely|just|only|a\s+total\s+of)\s+/;

const FRAME = /^(?:(?:a|an|the)\s+)?(?:(?:high[- ]resolution|realistic|detailed|clear|simple|professional|sharp|candid|well[- ]lit)\s+)*(?:photo(?:graph)?|picture|image|shot|snapshot|scene|render(?:ing)?|illustration|painting|view)\s+(?:of|showing|depicting|that\s+shows|featuring|with)\s+/;

const CONNECTORS = /\s+(?:and|with|as\s+well\s+as|together\s+with|along\s+with|plus|next\s+to\s+which)\s+|\s*;\s*/;

const RELATION_WORDS: readonly (readonly [RegExp, ReadRelation])[] = [
  [/\s+(?:(?:positioned|placed|located|sitting|standing|is|are)\s+)?(?:(?:to|on|at)\s+the\s+)?left(?:[- ]hand)?(?:\s+side)?\s+of\s+/, 'left of'],
  [/\s+(?:(?:positioned|placed|located|sitting|standing|is|are)\s+)?(?:(?:to|on|at)\s+the\s+)?right(?:[- ]hand)?(?:\s+side)?\s+of\s+/, 'right of'],
  [/\s+(?:(?:positioned|placed|located|sitting|standing|is|are)\s+)?(?:above|over|on\s+top\s+of|atop)\s+/, 'above'],
  [/\s+(?:(?:positioned|placed|located|sitting|standing|is|are)\s+)?(?:below|under|underneath|beneath)\s+/, 'below'],
  [/\s+(?:(?:positioned|placed|located|sitting|standing|is|are)\s+)?(?:next\s+to|beside|near|by)\s+/, 'near'],
];

const SIDE = '(?:on|at|to|in)\\s+the\\s+(left|right|top|bottom)(?:[- ]hand)?(?:\\s+(?:side|half|part))?(?:\\s+of\\s+the\\s+(?:image|picture|frame|photo))?';
const LAYOUT = new RegExp(`^(.+?),?\\s+${SIDE},?\\s+(?:and|with|while)\\s+(.+?)\\s+${SIDE}$`);
const LAYOUT_RELATION: Readonly<Record<string, ReadRelation>> = { left: 'left of', right: 'right of', top: 'above', bottom: 'below' };

const POSTFIX_COLOUR = new RegExp(`\\s+(?:that|which)\\s+(?:is|are)\\s+(?:coloured\\s+|colored\\s+)?(${COLOUR_WORDS.join('|')})$|\\s+(?:in|painted|coloured|colored)\\s+(${COLOUR_WORDS.join('|')})$`);
const COLOUR_SUFFIX = /^(.+?)[- ](?:coloured|colored|toned|tinted)$/;
const TRAILING_CLAUSE = /\s+(?:clearly\s+visible|in\s+full\s+view|in\s+the\s+(?:background|foreground|scene|frame|picture|image))$/;

/** Reads a prompt into mentions, placements and trailing style phrases. */
export function readPrompt(prompt: string): PromptReading {
  const text = prompt.toLowerCase().replace(/[.!]+\s*$/, '').replace(/\s+/g, ' ').trim();
  const segments = text.split(/\s*,\s*/).filter((segment) => segment.length > 0);
  const content: string[] = [];
  const style: string[] = [];
  segments.forEach((segment, index) => {
    const leadsWithContent = /^(?:and|with|as well as|plus)\s/.test(segment) || startsWithQuantity(segment);
    if (index === 0 || (leadsWithContent && style.length === 0 && !/\b(?:clearly|visible|prominent|background|foreground)\b/.test(segment))) {
      content.push(segment.replace(/^(?:and|with|as well as|plus)\s+/, ''));
    } else if (!/\b(?:clearly visible|in full view|prominent)\b/.test(segment)) {
      style.push(segment);
    }
  });
  const body = content.join(' and ').replace(FRAME, '').replace(/^there\s+(?:is|are)\s+/, '');
  const mentions: ReadMention[] = [];
  const placements: ReadPlacement[] = [];
  const layout = LAYOUT.exec(body);
  if (layout !== null) {
    const [, first = '', firstSide = '', second = '', secondSide = ''] = layout;
    const subject = pushMentions(first, mentions);
    const reference = pushMentions(second, mentions);
    const relation = LAYOUT_RELATION[firstSide];
    const opposite = LAYOUT_RELATION[secondSide];
    if (subject >= 0 && reference >= 0 && relation !== undefined && opposite !== undefined && relation !== opposite) placements.push({ subject, relation, reference });
    return { mentions, placements, style };
  }
  for (const clause of body.split(/\s*;\s*/)) readClause(clause, mentions, placements);
  return { mentions, placements, style };
}

/** Reads "X left of Y and Z" style clauses: the first relation word splits subject side from reference side. */
function readClause(clause: string, mentions: ReadMention[], placements: ReadPlacement[]): void {
  let best: { index: number; length: number; relation: ReadRelation } | undefined;
  for (const [pattern, relation] of RELATION_WORDS) {
    const match = pattern.exec(clause);
    if (match !== null && (best === undefined || match.index < best.index)) best = { index: match.index, length: match[0].length, relation };
  }
  if (best === undefined) {
    pushMentions(clause, mentions);
    return;
  }
  const subject = pushMentions(clause.slice(0, best.index), mentions, 'last');
  const reference = pushMentions(clause.slice(best.index + best.length), mentions, 'first');
  if (subject >= 0 && reference >= 0) placements.push({ subject, relation: best.relation, reference });
}

/** Adds the noun phrases of a span; returns the index of its first (or last) mention, −1 if none. */
function pushMentions(span: string, mentions: ReadMention[], which: 'first' | 'last' = 'first'): number {
  const added: number[] = [];
  for (const phrase of span.split(CONNECTORS)) {
    const mention = readNounPhrase(phrase);
    if (mention === undefined) continue;
    mentions.push(mention);
    added.push(mentions.length - 1);
  }
  if (added.length === 0) return -1;
  return (which === 'first' ? added[0] : added[added.length - 1]) ?? -1;
}

function startsWithQuantity(text: string): boolean {
  const first = text.split(' ')[0] ?? '';
  return /^(?:a|an|one|exactly|precisely|\d+)$/.test(first) || NUMBER_WORDS.includes(first);
}

/** "exactly two small black dogs", "a car that is red", "3 red-coloured benches". */
function readNounPhrase(raw: string): ReadMention | undefined {
  let phrase = raw.trim().replace(TRAILING_CLAUSE, '').replace(/^(?:the|this|that|these|those|some)\s+/, '');
  if (phrase === '') return undefined;
  let count: number | undefined;
  phrase = phrase.replace(EXACTNESS, '');
  for (const [pattern, value] of QUANTITY_PHRASES) {
    if (pattern.test(phrase)) {
      count = value;
      phrase = phrase.replace(pattern, '');
      break;
    }
  }
  const words = phrase.split(' ');
  if (count === undefined) {
    const first = words[0] ?? '';
    if (/^\d+$/.test(first)) count = Number(first);
    else if (NUMBER_WORDS.includes(first)) count = NUMBER_WORDS.indexOf(first);
    else if (first === 'a' || first === 'an') count = 1;
    if (count !== undefined) words.shift();
  }
  let colour: string | undefined;
  let rest = words.join(' ');
  const postfix = POSTFIX_COLOUR.exec(rest);
  if (postfix !== null) {
    colour = postfix[1] ?? postfix[2];
    rest = rest.slice(0, postfix.index);
  }
  const adjectives: string[] = [];
  const nounWords: string[] = [];
  const restWords = rest.split(' ').filter((item) => item.length > 0);
  restWords.forEach((word, index) => {
    const suffixed = COLOUR_SUFFIX.exec(word);
    const bare = suffixed?.[1] ?? word;
    // A colour word with no noun after it is the noun ("an orange").
    if (nounWords.length === 0 && COLOUR_WORDS.includes(bare) && colour === undefined && index < restWords.length - 1) colour = bare;
    else if (nounWords.length === 0 && /^(?:small|large|big|tiny|little|cute|old|young|wooden|shiny|fluffy|beautiful)$/.test(word)) adjectives.push(word);
    else nounWords.push(word);
  });
  const written = nounWords.join(' ').replace(/\s+(?:in|on|at|of|and|that|which)$/, '');
  if (written === '' || !/[a-z]/.test(written)) return undefined;
  const resolvedCount = count ?? (/[^aiosu]s$/.test(written) ? 2 : 1);
  const noun = resolvedCount > 1 ? singularOf(written) : written;
  return { noun, count: resolvedCount, ...(colour === undefined ? {} : { colour }), adjectives };
}
