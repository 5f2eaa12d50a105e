import type { SeededRandom } from '../scene/seeded-random.js';
import { escapeRegExp } from './escape-regexp.js';
import { COLOUR_WORDS, NUMBER_WORDS } from './prompt-reading.js';

/**
 * Share of the reference Promptist's rewrites whose content drifts from the prompt. Stated, not measured:
 * Promptist is trained for aesthetics and relevance (Hao et al. 2023), not for keeping every detail, and
 * its Lexica-style rewrites sometimes lose a colour, a count or an object, or bring in a subject.
 */
export const PROMPTIST_DRIFT_RATE = 0.1;

/** How a rewrite drifted from the prompt. */
export type PromptistDrift = 'dropped_colour' | 'dropped_count' | 'dropped_object' | 'added_subject';

/** Subjects Lexica-style prompts bring in. */
const ADDED_SUBJECTS: readonly string[] = ['with flowers', 'in a fantasy landscape', 'with a castle in the background', 'surrounded by butterflies', 'with a beautiful woman'];

const COLOUR = new RegExp(`\\b(?:${COLOUR_WORDS.map(escapeRegExp).join('|')})\\s+`);
const COUNT = new RegExp(`\\b(?:${NUMBER_WORDS.slice(2).join('|')}|[2-9]|1\\d)\\s+`);
const SECOND_OBJECT = /\s+(?:and|with)\s+(?:an?|one|two|three|four|five|\d+)\s+[^,]*$/;

/** With probability `rate`, drifts the prompt's content in one way its words allow (adding a subject always can). */
export function maybeDrift(prompt: string, rate: number, random: SeededRandom): { readonly text: string; readonly drift?: PromptistDrift } {
  if (random.next() >= rate) return { text: prompt };
  const [body = '', ...rest] = prompt.split(', ');
  const options: { drift: PromptistDrift; body: string }[] = [{ drift: 'added_subject', body: `${body} ${random.pick(ADDED_SUBJECTS)}` }];
  if (COLOUR.test(body)) options.push({ drift: 'dropped_colour', body: body.replace(COLOUR, '') });
  if (COUNT.test(body)) options.push({ drift: 'dropped_count', body: body.replace(COUNT, '') });
  if (SECOND_OBJECT.test(body)) options.push({ drift: 'dropped_object', body: body.replace(SECOND_OBJECT, '') });
  const chosen = random.pick(options);
  return { text: [chosen.body, ...rest].join(', '), drift: chosen.drift };
}
