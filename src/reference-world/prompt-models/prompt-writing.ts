import { pluralNoun } from './noun-inflection.js';
import { NUMBER_WORDS, type PromptReading, type ReadMention, type ReadRelation } from './prompt-reading.js';
import { fillTemplate, type RevisionPhrasing } from './revision-phrasing.js';

/** The styles a revision can combine: what an LLM does when it rewrites a caption for a text-to-image model. */
export const REVISION_FEATURES = ['frame', 'explicit_counts', 'numerals', 'colour_clauses', 'spatial_layout', 'emphasis', 'expansion', 'boosters'] as const;

/** One revision style. */
export type RevisionFeature = (typeof REVISION_FEATURES)[number];

/** How to write one revision: which styles, which object leads, and which template of each slot. */
export interface RevisionStyle {
  readonly features: ReadonlySet<RevisionFeature>;
  /** Index of the mention written first (the reorder that puts a neglected object first); the rest keep their order. */
  readonly lead: number;
  /** Index of the mention re-stated by `emphasis`. */
  readonly emphasized: number;
  /** Picks a template of a slot: index in [0, count). */
  readonly pick: (count: number) => number;
}

const INVERSE: Readonly<Record<ReadRelation, ReadRelation>> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above', near: 'near' };

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function choose<T>(values: readonly T[], style: RevisionStyle): T {
  return values[Math.min(values.length - 1, Math.max(0, style.pick(values.length)))] as T;
}

/** A noun as written for its count ("dog", "dogs"), with its non-colour adjectives. */
function nounOf(mention: ReadMention): string {
  return [...mention.adjectives, mention.count === 1 ? mention.noun : pluralNoun(mention.noun)].join(' ');
}

/** "a red car", "exactly 3 dogs", "two benches that are blue". */
function writeMention(mention: ReadMention, style: RevisionStyle, phrasing: RevisionPhrasing): string {
  const has = (feature: RevisionFeature): boolean => style.features.has(feature);
  const noun = nounOf(mention);
  const number = has('numerals') ? String(mention.count) : (NUMBER_WORDS[mention.count] ?? String(mention.count));
  const explicit = has('explicit_counts');
  const quantityFor = (next: string): string => {
    if (mention.count === 1) return explicit ? choose(phrasing.singles, style) : article(next);
    return explicit ? fillTemplate(choose(phrasing.exactCounts, style), { n: number }) : number;
  };
  if (mention.colour === undefined) return `${quantityFor(noun)} ${noun}`;
  if (has('colour_clauses')) {
    return fillTemplate(choose(phrasing.colourClauses, style), { quantity: quantityFor(noun), noun, colour: mention.colour, be: mention.count === 1 ? 'is' : 'are' });
  }
  return `${quantityFor(mention.colour)} ${mention.colour} ${noun}`;
}

/**
 * Writes a reading as a prompt in a style: the lead object first (relations turned around when their
 * reference leads), relations as relation words or as an explicit layout, counts and colours as the
 * style says, then an expansion, an emphasis on one object, the prompt's own style phrases and boosters.
 */
export function writePrompt(reading: PromptReading, style: RevisionStyle, phrasing: RevisionPhrasing): string {
  const has = (feature: RevisionFeature): boolean => style.features.has(feature);
  const count = reading.mentions.length;
  const order = [style.lead, ...Array.from({ length: count }, (_, index) => index).filter((index) => index !== style.lead)].filter((index) => index >= 0 && index < count);
  const rank = new Map(order.map((index, position) => [index, position]));
  const used = new Set<number>();
  const parts: { position: number; text: string }[] = [];
  for (const placement of reading.placements) {
    const subject = reading.mentions[placement.subject];
    const reference = reading.mentions[placement.reference];
    if (subject === undefined || reference === undefined || used.has(placement.subject) || used.has(placement.reference)) continue;
    used.add(placement.subject);
    used.add(placement.reference);
    const subjectFirst = (rank.get(placement.subject) ?? 0) <= (rank.get(placement.reference) ?? 0);
    const relation = subjectFirst ? placement.relation : INVERSE[placement.relation];
    const [first, second] = subjectFirst ? [subject, reference] : [reference, subject];
    const templates = has('spatial_layout') && relation !== 'near' ? phrasing.layouts[relation] : phrasing.relations[relation];
    const text = fillTemplate(choose(templates, style), { a: writeMention(first, style, phrasing), b: writeMention(second, style, phrasing) });
    parts.push({ position: Math.min(rank.get(placement.subject) ?? 0, rank.get(placement.reference) ?? 0), text });
  }
  reading.mentions.forEach((mention, index) => {
    if (!used.has(index)) parts.push({ position: rank.get(index) ?? index, text: writeMention(mention, style, phrasing) });
  });
  parts.sort((left, right) => left.position - right.position);
  const joiner = choose(phrasing.joiners, style);
  let body = parts.map((part) => part.text).join(joiner);
  if (has('expansion')) body = `${body} ${choose(phrasing.expansions, style)}`;
  if (has('frame')) body = `${choose(phrasing.frames, style)} ${body}`;
  const tail: string[] = [];
  const emphasized = reading.mentions[style.emphasized];
  if (has('emphasis') && emphasized !== undefined) tail.push(fillTemplate(choose(phrasing.emphases, style), { noun: nounOf(emphasized) }));
  tail.push(...reading.style);
  if (has('boosters')) tail.push(...choose(phrasing.boosters, style).filter((booster) => !reading.style.includes(booster)));
  return [body, ...tail].join(', ');
}
