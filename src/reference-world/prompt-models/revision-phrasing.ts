import { escapeRegExp } from './escape-regexp.js';
import type { ReadRelation } from './prompt-reading.js';

/**
 * The wordings the reference OPT2I reviser writes with: templates with `{placeholders}`, several per
 * slot, picked per candidate. A phrasing is data, so a test can swap in a paraphrased set and check that
 * the reviser's behaviour does not hang on its exact words.
 *
 * Placeholders: `{n}` a count (digits or words), `{noun}` a noun (plural when counted), `{colour}`, `{be}`
 * ("is"/"are"), `{a}` and `{b}` two noun phrases, `{quantity}` the count words in front of a noun.
 */
export interface RevisionPhrasing {
  /** Openings ("a photo of"). */
  readonly frames: readonly string[];
  /** Explicit counts above one ("exactly {n}"). */
  readonly exactCounts: readonly string[];
  /** Explicit single objects ("a single"). */
  readonly singles: readonly string[];
  /** A colour as a clause after the noun ("{quantity} {noun} that {be} {colour}"). */
  readonly colourClauses: readonly string[];
  /** A relation between two noun phrases, by relation ("{a} to the left of {b}"). */
  readonly relations: Readonly<Record<ReadRelation, readonly string[]>>;
  /** A relation as an explicit layout of the picture ("{a} on the left and {b} on the right"). */
  readonly layouts: Readonly<Record<Exclude<ReadRelation, 'near'>, readonly string[]>>;
  /** Joins noun phrases (" and "). */
  readonly joiners: readonly string[];
  /** Re-states a neglected object ("with the {noun} clearly visible"). */
  readonly emphases: readonly string[];
  /** Descriptive expansions an LLM adds ("in a natural everyday setting"). */
  readonly expansions: readonly string[];
  /** Lists of quality boosters an LLM appends ("highly detailed, sharp focus"). */
  readonly boosters: readonly (readonly string[])[];
  /** Unrequested content an LLM sometimes adds ("a potted plant in the background"). */
  readonly additions: readonly string[];
}

/** The reviser's default phrasing: the wordings an instruction-tuned LLM typically uses when it revises a caption. */
export const DEFAULT_REVISION_PHRASING: RevisionPhrasing = {
  frames: ['a photo of', 'a photograph of', 'a high-resolution photo of', 'a clear photo showing', 'an image of'],
  exactCounts: ['exactly {n}', 'precisely {n}'],
  singles: ['a single', 'one'],
  colourClauses: ['{quantity} {noun} that {be} {colour}', '{quantity} {noun} in {colour}', '{quantity} {noun} painted {colour}'],
  relations: {
    'left of': ['{a} to the left of {b}', '{a} positioned to the left of {b}', '{a} on the left side of {b}'],
    'right of': ['{a} to the right of {b}', '{a} positioned to the right of {b}', '{a} on the right side of {b}'],
    above: ['{a} above {b}', '{a} placed above {b}', '{a} on top of {b}'],
    below: ['{a} below {b}', '{a} placed below {b}', '{a} underneath {b}'],
    near: ['{a} next to {b}', '{a} beside {b}'],
  },
  layouts: {
    'left of': ['{a} on the left and {b} on the right', '{a} on the left side of the image and {b} on the right side'],
    'right of': ['{a} on the right and {b} on the left', '{a} on the right side of the image and {b} on the left side'],
    above: ['{a} at the top and {b} at the bottom', '{a} in the top half of the image and {b} in the bottom half'],
    below: ['{a} at the bottom and {b} at the top', '{a} in the bottom half of the image and {b} in the top half'],
  },
  joiners: [' and ', ' and ', ' as well as ', ', together with '],
  emphases: ['with the {noun} clearly visible', 'the {noun} in full view', 'making sure the {noun} is prominent'],
  expansions: ['in a natural everyday setting', 'in soft natural daylight', 'on a plain background', 'in a well-lit room', 'in a realistic scene'],
  boosters: [
    ['highly detailed', 'sharp focus'],
    ['high quality', 'realistic', '8k'],
    ['professional photography', 'sharp focus', 'natural lighting'],
    ['ultra detailed', 'crisp', 'high resolution'],
  ],
  additions: ['a potted plant in the background', 'with a small bird nearby', 'a cup on a table behind them', 'with a person in the background', 'a clock on the wall'],
};

/** Fills a template's `{placeholders}`; unknown ones stay as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * A regex matching fillings of a template, so the reviser can recognise its own styles in prompts it
 * reads back: literal words in order, a placeholder named in `known` by its pattern, any other
 * placeholder between literals by anything (leading and trailing ones are dropped).
 */
export function templatePattern(template: string, known: Readonly<Record<string, string>> = {}): RegExp {
  const pieces = template.split(/(\{\w+\})/).map((piece) => piece.trim()).filter((piece) => piece.length > 0);
  const isLoose = (piece: string | undefined): boolean => piece !== undefined && /^\{\w+\}$/.test(piece) && known[piece.slice(1, -1)] === undefined;
  while (isLoose(pieces[0])) pieces.shift();
  while (isLoose(pieces[pieces.length - 1])) pieces.pop();
  const parts = pieces.map((piece) => {
    const name = /^\{(\w+)\}$/.exec(piece)?.[1];
    if (name !== undefined) return known[name] ?? '.+?';
    return escapeRegExp(piece).replace(/\s+/g, '\\s+');
  });
  return new RegExp(`\\b${parts.join('\\s*')}\\b`, 'i');
}
