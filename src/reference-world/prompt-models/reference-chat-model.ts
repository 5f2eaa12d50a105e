import { z } from 'zod';
import { AbortedError, BackendCallError } from '../../ports/errors.js';
import type { ChatModelV1, ChatOptions, ChatResult, Warning } from '../../ports/index.js';
import { readOpt2iMetaPrompt, type Opt2iRequest } from './opt2i-meta-prompt-reader.js';
import { mix32, Splitmix32 } from '../sampler/normal-rng.js';
import type { GenevalSpec } from '../scene/geneval-spec.js';
import { parsePrompt } from '../scene/prompt-parser.js';
import { phraseSpec, type PhrasingOptions } from './spec-phrasing.js';

/** The OpenAI-compatible chat completion request (what LMI / vLLM containers serve). */
export const chatCompletionRequestSchema = z.object({
  model: z.string().optional(),
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
    .min(1),
  max_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
});

/** A chat completion request. */
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** The part of an OpenAI-compatible chat completion reply a client reads. */
export const chatCompletionResponseSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            message: z.object({ role: z.string(), content: z.string().nullable() }).loose(),
            finish_reason: z.string().nullable().optional(),
          })
          .loose(),
      )
      .min(1),
  })
  .loose();

/** A chat completion reply. */
export type ChatCompletionResponse = z.infer<typeof chatCompletionResponseSchema>;

/** The revision strategies the reference reviser knows (general rewording moves, no knowledge of the world's rewards). */
export const REVISION_STRATEGIES = ['reorder', 'repeat', 'numerals', 'adjective_clause', 'explicit_layout', 'simplify'] as const;

/** One revision strategy. */
export type RevisionStrategy = (typeof REVISION_STRATEGIES)[number];

/** What a `missed:` item says went wrong, read with the prompt parser. */
interface MissedConstraint {
  /** Index of the object in the initial prompt's spec, or −1 when no object could be matched. */
  readonly objectIndex: number;
  readonly problem: 'omission' | 'count' | 'color' | 'relation' | 'unknown';
}

/** Strategies worth trying first for each kind of miss (OPT2I: revise what the images did not show). */
const STRATEGIES_FOR: Readonly<Record<MissedConstraint['problem'] | 'none', readonly RevisionStrategy[]>> = {
  omission: ['reorder', 'repeat', 'simplify', 'explicit_layout', 'numerals'],
  count: ['numerals', 'simplify', 'reorder'],
  color: ['adjective_clause', 'reorder', 'simplify'],
  relation: ['explicit_layout', 'reorder', 'simplify', 'adjective_clause'],
  unknown: ['simplify', 'reorder', 'adjective_clause', 'numerals'],
  none: ['simplify', 'adjective_clause', 'numerals', 'reorder', 'explicit_layout'],
};

/** Reads one `missed:` item ("2 dogs (found 1)", "a red car (found a blue car)", "cat left of dog (found right of)"). */
function readMissed(item: string, spec: GenevalSpec): MissedConstraint {
  const [wanted = item, found = ''] = item.split(/\(\s*found\s*/i);
  const parsed = parsePrompt(wanted.trim()).spec.include;
  const mentioned = parsed.find((object) => object.position !== undefined) ?? parsed[0];
  const objectIndex = mentioned === undefined ? spec.include.findIndex((object) => item.toLowerCase().includes(object.class)) : spec.include.findIndex((object) => object.class === mentioned.class);
  if (objectIndex < 0) return { objectIndex: -1, problem: 'unknown' };
  const target = spec.include[objectIndex];
  if (mentioned?.position !== undefined || /\b(left|right|above|below|under|over)\b/i.test(found)) return { objectIndex, problem: 'relation' };
  if (/^\s*(0|none|no\b|nothing|zero)/i.test(found)) return { objectIndex, problem: 'omission' };
  if (mentioned?.color !== undefined || target?.color !== undefined) {
    if (/^\s*\d/.test(found) && target !== undefined && target.count > 1) return { objectIndex, problem: 'count' };
    return { objectIndex, problem: 'color' };
  }
  if ((target?.count ?? 1) > 1 || /^\s*\d/.test(found)) return { objectIndex, problem: 'count' };
  return { objectIndex, problem: 'omission' };
}

/** The phrasing a set of strategies gives, for the spec, the misses and the prompt's own modifiers. */
function phrasingFor(strategies: readonly RevisionStrategy[], spec: GenevalSpec, focus: number, wordsAsNumbers: boolean, modifiers: readonly string[]): PhrasingOptions {
  const has = (strategy: RevisionStrategy): boolean => strategies.includes(strategy);
  const order = focus >= 0 && has('reorder') ? [focus] : undefined;
  return {
    ...(order === undefined ? {} : { order }),
    // "numerals instead of number words (or vice versa)": flip whatever the prompt used.
    numerals: has('numerals') ? !wordsAsNumbers : wordsAsNumbers,
    colorClause: has('adjective_clause'),
    explicitLayout: has('explicit_layout'),
    ...(has('repeat') && focus >= 0 ? { emphasize: focus } : {}),
    frame: has('simplify') ? '' : 'a photo of',
    modifiers: has('simplify') ? [] : modifiers,
  };
}

/**
 * Which strategies make sense for a spec (no colour clause without colours, no layout without relations…).
 * Naming an object again reads as one more of it, so `repeat` is kept for single, uncoloured, unplaced objects.
 */
function applicable(strategy: RevisionStrategy, spec: GenevalSpec, focus: number): boolean {
  switch (strategy) {
    case 'repeat': {
      const object = spec.include[focus];
      const placed = spec.include.some((other, index) => other.position !== undefined && (index === focus || other.position[1] === focus));
      return object !== undefined && object.count === 1 && object.color === undefined && !placed;
    }
    case 'reorder':
      return spec.include.length >= 2;
    case 'numerals':
      return spec.include.some((object) => object.count > 1);
    case 'adjective_clause':
      return spec.include.some((object) => object.color !== undefined);
    case 'explicit_layout':
      return spec.include.some((object) => object.position !== undefined);
    case 'simplify':
      return true;
  }
}

/** A 32-bit hash of the conversation (FNV-1a), so the same messages give the same revisions. */
function conversationSeed(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return mix32(hash);
}

/**
 * The reference OPT2I reviser (Mañas et al. 2024): parses the initial prompt, reads which constraints the
 * images missed, and proposes N paraphrases with general rewording strategies chosen for those misses —
 * put the missed object first, name it again, numerals ↔ number words, one adjective per noun, explicit
 * layout, drop run-on modifiers. It never consults the generator or the scorers. Temperature > 0 perturbs
 * the strategy ranking with seeded Gumbel noise (deterministic given messages, seed and temperature).
 */
export function reviseFromMetaPrompt(request: Opt2iRequest, temperature: number, seed: number, conversation: string): string[] {
  const parsed = parsePrompt(request.initialPrompt);
  const spec = parsed.spec;
  const wordsAsNumbers = /\b\d+\b/.test(request.initialPrompt);
  const seen = new Set<string>([request.initialPrompt.trim().toLowerCase(), ...request.history.map((entry) => entry.prompt.trim().toLowerCase())]);
  const tally = new Map<string, number>();
  for (const entry of request.history) {
    for (const item of entry.missed) tally.set(item, (tally.get(item) ?? 0) + 1);
  }
  const misses = [...tally.entries()].sort((left, right) => right[1] - left[1]).map(([item]) => readMissed(item, spec));
  const primary = misses.find((miss) => miss.objectIndex >= 0) ?? misses[0];
  const focus = primary?.objectIndex ?? -1;
  const random = new Splitmix32(conversationSeed(conversation, seed));
  const ranking = new Map<RevisionStrategy, number>();
  const preferred = [...(STRATEGIES_FOR[primary?.problem ?? 'none'] ?? []), ...misses.slice(1).flatMap((miss) => STRATEGIES_FOR[miss.problem]), ...REVISION_STRATEGIES];
  preferred.forEach((strategy, position) => {
    if (!ranking.has(strategy) && applicable(strategy, spec, focus)) ranking.set(strategy, -position);
  });
  const scored = [...ranking.entries()].map(([strategy, score]) => {
    const gumbel = -Math.log(-Math.log(random.nextUniform()));
    return { strategy, score: score + temperature * 3 * gumbel };
  });
  scored.sort((left, right) => right.score - left.score);
  const strategies = scored.map((entry) => entry.strategy);
  const combos: RevisionStrategy[][] = [];
  strategies.forEach((strategy) => combos.push([strategy]));
  for (let first = 0; first < strategies.length; first += 1) {
    for (let second = first + 1; second < strategies.length; second += 1) combos.push([strategies[first], strategies[second]] as RevisionStrategy[]);
  }
  for (let first = 0; first + 2 < strategies.length; first += 1) combos.push(strategies.slice(first, first + 3));
  if (temperature > 0) {
    // Sampling: the order in which combinations are tried is perturbed too (Gumbel-top-k over the ranking).
    const keyed = combos.map((combo, position) => ({ combo, key: -position / 2 + temperature * 3 * -Math.log(-Math.log(random.nextUniform())) }));
    keyed.sort((left, right) => right.key - left.key);
    combos.splice(0, combos.length, ...keyed.map((entry) => entry.combo));
  }
  const revisions: string[] = [];
  const frames = ['a photo of', 'an image of', 'a picture of', ''];
  for (let attempt = 0; revisions.length < request.count && attempt < combos.length + frames.length * 4; attempt += 1) {
    const combo = combos[attempt % Math.max(1, combos.length)] ?? [];
    const phrasing = phrasingFor(combo, spec, focus, wordsAsNumbers, parsed.modifiers);
    const frame = attempt < combos.length || phrasing.frame === '' ? phrasing.frame : frames[Math.floor(attempt / Math.max(1, combos.length)) % frames.length];
    const text = spec.include.length === 0 ? request.initialPrompt : phraseSpec(spec, { ...phrasing, ...(frame === undefined ? {} : { frame }) });
    const key = text.trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    revisions.push(text);
  }
  return revisions;
}

/**
 * Answers an OpenAI-compatible chat completion request as the reference OPT2I reviser: a numbered list of
 * `<PROMPT>…</PROMPT>` lines, cut at `max_tokens` (≈1.3 tokens per word; finish_reason "length").
 */
export function chatCompletion(request: unknown): ChatCompletionResponse & { model: string; object: string } {
  const { messages, max_tokens: maxTokens, temperature = 0, seed = 0 } = chatCompletionRequestSchema.parse(request);
  const meta = readOpt2iMetaPrompt(messages.map((message) => ({ role: message.role, content: message.content })));
  const conversation = messages.map((message) => `${message.role}:${message.content}`).join('\n');
  const revisions = reviseFromMetaPrompt(meta, temperature, seed, conversation);
  const lines = [`Here are ${revisions.length} paraphrases:`, ...revisions.map((revision, index) => `${index + 1}. <PROMPT>${revision}</PROMPT>`)];
  let content = '';
  let finishReason = 'stop';
  for (const line of lines) {
    const next = content === '' ? line : `${content}\n${line}`;
    if (maxTokens !== undefined && Math.ceil(next.split(/\s+/).length * 1.3) > maxTokens) {
      finishReason = 'length';
      break;
    }
    content = next;
  }
  return {
    object: 'chat.completion',
    model: 'reference-opt2i-v1',
    choices: [{ message: { role: 'assistant', content }, finish_reason: finishReason }],
  };
}

/** The reference OPT2I reviser (ChatModelV1): sends the OpenAI-compatible chat format to `chatCompletion`. */
export class ReferenceChatModel implements ChatModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly modelId: string;
  private readonly endpoint: (request: ChatCompletionRequest) => unknown;

  constructor(options: { modelId?: string; endpoint?: (request: ChatCompletionRequest) => unknown } = {}) {
    this.modelId = options.modelId ?? 'reference-opt2i-v1';
    this.endpoint = options.endpoint ?? chatCompletion;
  }

  async doChat(options: ChatOptions): Promise<ChatResult> {
    if (options.abortSignal?.aborted) throw new AbortedError('chat aborted', { cause: options.abortSignal.reason });
    const request: ChatCompletionRequest = {
      model: this.modelId,
      messages: options.messages.map((message) => ({ role: message.role, content: message.content })),
      ...(options.maxTokens === undefined ? {} : { max_tokens: options.maxTokens }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    };
    let reply: unknown;
    try {
      reply = await this.endpoint(request);
    } catch (error) {
      throw new BackendCallError({ backend: this.modelId, message: `chat model failed: ${String(error)}`, cause: error });
    }
    const parsed = chatCompletionResponseSchema.safeParse(reply);
    if (!parsed.success) throw new BackendCallError({ backend: this.modelId, message: 'chat reply is not an OpenAI-compatible chat completion', cause: parsed.error });
    const choice = parsed.data.choices[0];
    const warnings: Warning[] = [];
    if (choice?.finish_reason === 'length') warnings.push({ type: 'other', message: 'chat reply was cut at max_tokens' });
    return { text: choice?.message.content ?? '', warnings, response: { modelId: this.modelId } };
  }
}
