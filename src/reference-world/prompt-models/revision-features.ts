import { COLOUR_WORDS, NUMBER_WORDS, readPrompt } from './prompt-reading.js';
import { REVISION_FEATURES, type RevisionFeature } from './prompt-writing.js';
import { templatePattern, type RevisionPhrasing } from './revision-phrasing.js';

/** The styles a prompt shows and the object it names first, as the reviser recognises them. */
export interface PromptFeatures {
  readonly features: ReadonlySet<RevisionFeature>;
  /** The first noun the prompt names ("" when it names none). */
  readonly lead: string;
}

const COUNT = `(?:\\d+|${NUMBER_WORDS.join('|')})`;
const COLOUR = `(?:${COLOUR_WORDS.join('|')})`;
const GENERIC_FRAME = /^(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:photo(?:graph)?|picture|image|shot|render(?:ing)?)\s+(?:of|showing|depicting)\b/i;

/** One matcher per feature, built from the phrasing's own templates (so a paraphrased set recognises itself). */
export function featureMatchers(phrasing: RevisionPhrasing): Readonly<Record<RevisionFeature, (text: string) => boolean>> {
  const anyOf = (patterns: readonly RegExp[]) => (text: string): boolean => patterns.some((pattern) => pattern.test(text));
  const literal = (phrases: readonly string[]): RegExp[] => phrases.map((phrase) => templatePattern(phrase));
  const frames = phrasing.frames.map((frame) => new RegExp(`^${templatePattern(frame).source}`, 'i'));
  return {
    frame: (text) => GENERIC_FRAME.test(text) || frames.some((pattern) => pattern.test(text)),
    explicit_counts: anyOf([...phrasing.exactCounts.map((template) => templatePattern(template, { n: COUNT })), ...phrasing.singles.filter((single) => /\s/.test(single)).map((single) => templatePattern(single))]),
    numerals: (text) => /\b\d+\b/.test(text.replace(/\b\d+k\b/gi, '')),
    colour_clauses: anyOf(phrasing.colourClauses.map((template) => templatePattern(template, { colour: COLOUR }))),
    spatial_layout: anyOf(Object.values(phrasing.layouts).flat().map((template) => templatePattern(template))),
    emphasis: anyOf(phrasing.emphases.map((template) => templatePattern(template))),
    expansion: anyOf(literal(phrasing.expansions)),
    boosters: anyOf(literal(phrasing.boosters.flat())),
  };
}

/** Recognises the styles of a prompt (any prompt: the user's, the reviser's own, another source's). */
export function featuresOf(prompt: string, matchers: Readonly<Record<RevisionFeature, (text: string) => boolean>>): PromptFeatures {
  const features = new Set<RevisionFeature>(REVISION_FEATURES.filter((feature) => matchers[feature](prompt)));
  return { features, lead: readPrompt(prompt).mentions[0]?.noun ?? '' };
}
