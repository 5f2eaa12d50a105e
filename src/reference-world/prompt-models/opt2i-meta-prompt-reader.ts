import type { ChatMessage } from '../../ports/index.js';

/** One scored prompt of the OPT2I history, with what its images missed. */
export interface Opt2iHistoryEntry {
  readonly prompt: string;
  /** 0..100, or null when the line was missing or unreadable. */
  readonly score: number | null;
  /** The `missed:` items (split on ";"), empty for "none". */
  readonly missed: readonly string[];
}

/** What an OPT2I meta-prompt asks for, as a reader understands it. */
export interface Opt2iRequest {
  /** The user's initial prompt (the first quoted string when the exact wording is absent). */
  readonly initialPrompt: string;
  /** Scored prompts in the order given (the contract sorts them ascending by score). */
  readonly history: readonly Opt2iHistoryEntry[];
  /** How many paraphrases are asked for (5 when no number is found). */
  readonly count: number;
}

const NUMBER_WORDS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

/**
 * Reads the OPT2I meta-prompt (Mañas et al. 2024, adapted; /work contract "The OPT2I meta-prompt") the
 * tolerant way an LLM would: the last user message holds the initial prompt in quotes, the history as
 * `<PROMPT>…</PROMPT>` blocks followed by `score:` and `missed:` lines, and "Generate N paraphrases".
 */
export function readOpt2iMetaPrompt(messages: readonly ChatMessage[]): Opt2iRequest {
  const user = [...messages].reverse().find((message) => message.role === 'user') ?? messages[messages.length - 1];
  const text = user?.content ?? '';
  const initialMatch =
    /initial prompt[^"“]*["“]([\s\S]*?)["”]\s*\.?\s*(?:below|\n|$)/i.exec(text) ?? /["“]([^"”]+)["”]/.exec(text);
  const history: Opt2iHistoryEntry[] = [];
  const blockPattern = /<PROMPT>([\s\S]*?)<\/PROMPT>([\s\S]*?)(?=<PROMPT>|Generate\s+\S+\s+paraphrase|$)/gi;
  for (const block of text.matchAll(blockPattern)) {
    const prompt = (block[1] ?? '').trim();
    const rest = block[2] ?? '';
    const scoreMatch = /score\s*[:=]\s*(-?\d+(?:\.\d+)?)/i.exec(rest);
    const missedMatch = /missed\s*[:=]\s*([^\n]*)/i.exec(rest);
    if (prompt === '' || (scoreMatch === null && missedMatch === null)) continue;
    const missedText = (missedMatch?.[1] ?? '').trim();
    const missed = /^(none|nothing|-)?\.?$/i.test(missedText)
      ? []
      : missedText
          .split(';')
          .map((item) => item.trim())
          .filter((item) => item.length > 0);
    history.push({ prompt, score: scoreMatch === null ? null : Number(scoreMatch[1]), missed });
  }
  const countMatch = /generate\s+(\d+|[a-z]+)\s+(?:new\s+)?(?:paraphrases|prompts|revisions|variations)/i.exec(text);
  const countText = countMatch?.[1]?.toLowerCase() ?? '';
  const parsedCount = /^\d+$/.test(countText) ? Number(countText) : (NUMBER_WORDS[countText] ?? 5);
  const initialPrompt = (initialMatch?.[1] ?? history[history.length - 1]?.prompt ?? text).trim();
  return { initialPrompt, history, count: Math.max(1, Math.min(50, parsedCount)) };
}

/**
 * The prompts of a reviser's reply: one per `<PROMPT>…</PROMPT>` pair; failing that, one per non-empty
 * line with list numbering stripped (the contract's tolerant fallback).
 */
export function readPromptList(reply: string): string[] {
  const tagged = [...reply.matchAll(/<PROMPT>([\s\S]*?)<\/PROMPT>/gi)].map((match) => (match[1] ?? '').trim()).filter((prompt) => prompt.length > 0);
  if (tagged.length > 0) return tagged;
  return reply
    .split('\n')
    .map((line) => line.replace(/^\s*(?:\d+[.)]|[-*•])\s*/, '').trim())
    .filter((line) => line.length > 0 && !/:\s*$/.test(line));
}
