import type { ChatMessage } from '../../ports/index.js';

/** The OPT2I system message (Mañas et al. 2024), verbatim from the project's meta-prompt contract. */
export const OPT2I_SYSTEM_PROMPT =
  'You are an expert prompt optimizer for text-to-image models. Text-to-image models take a text prompt as input and generate images depicting the prompt as output. You translate prompts written by humans into better prompts for the text-to-image models. Your answers should be concise and effective.';

/** One previous prompt in the meta-prompt: its 0-100 consistency score and what its images missed. */
export interface Opt2iHistoryEntry {
  readonly prompt: string;
  /** Integer 0-100. */
  readonly score: number;
  /** What the scorers said failed, most frequent first (at most 5 are shown). */
  readonly missed: readonly string[];
}

/** Most history entries the meta-prompt shows (the best so far). */
export const OPT2I_HISTORY_SIZE = 5;

/** Most `missed` items shown per prompt. */
export const OPT2I_MISSED_SIZE = 5;

/**
 * The two messages of an OPT2I revision round: the system prompt and the user message with the initial
 * prompt, the history (sorted ascending by score, as given: callers pick the best 5) and the request for
 * `count` paraphrases in `<PROMPT>` tags.
 */
export function buildOpt2iMessages(userPrompt: string, history: readonly Opt2iHistoryEntry[], count: number): ChatMessage[] {
  const sorted = [...history].sort((a, b) => a.score - b.score);
  const entries = sorted.map((entry) => {
    const missed = entry.missed.slice(0, OPT2I_MISSED_SIZE);
    return `<PROMPT>${entry.prompt}</PROMPT>\nscore: ${Math.round(entry.score)}\nmissed: ${missed.length > 0 ? missed.join('; ') : 'none'}`;
  });
  const content = [
    `Your task is to optimize this initial prompt written by a human: "${userPrompt}". Below are some previous prompts with a consistency score against the initial prompt, from 0 to 100, and the parts of the prompt that the generated images did not show. The prompts are sorted from lowest to highest score.`,
    '',
    entries.join('\n\n'),
    '',
    `Generate ${count} paraphrases of the initial prompt which keep the semantic meaning and that have higher scores than all the prompts above. Favor substitutions and reorderings over additions. Respond with each new prompt in between <PROMPT> and </PROMPT>, eg:`,
    ...exampleLines(count),
  ].join('\n');
  return [
    { role: 'system', content: OPT2I_SYSTEM_PROMPT },
    { role: 'user', content },
  ];
}

/** `1. <PROMPT>paraphrase 1</PROMPT>` lines: all of them up to 3, else the first two, `...` and the last. */
function exampleLines(count: number): string[] {
  const line = (index: number): string => `${index}. <PROMPT>paraphrase ${index}</PROMPT>`;
  if (count <= 3) return Array.from({ length: Math.max(1, count) }, (_, index) => line(index + 1));
  return [line(1), line(2), '...', line(count)];
}
