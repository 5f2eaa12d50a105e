import { z } from 'zod';
import { AbortedError, BackendCallError } from '../../ports/errors.js';
import type { PromptRewriterV1, RewriteOptions, RewriteResult, Warning } from '../../ports/index.js';
import { hashString, SeededRandom } from '../scene/seeded-random.js';
import { maybeDrift, PROMPTIST_DRIFT_RATE, type PromptistDrift } from './promptist-drift.js';

/** The Hugging Face text-generation request Promptist is served with (`{inputs, parameters}`). */
export const textGenerationRequestSchema = z.object({
  inputs: z.string(),
  parameters: z
    .object({
      num_beams: z.number().int().min(1).max(64).optional(),
      num_return_sequences: z.number().int().min(1).max(64).optional(),
      max_new_tokens: z.number().int().min(1).max(1024).optional(),
      do_sample: z.boolean().optional(),
      return_full_text: z.boolean().optional(),
    })
    .loose()
    .optional(),
});

/** A text-generation request (Hugging Face inference toolkit). */
export type TextGenerationRequest = z.infer<typeof textGenerationRequestSchema>;

/** The text-generation reply: one `generated_text` per returned sequence. */
export const textGenerationResponseSchema = z.array(z.object({ generated_text: z.string() }).loose());

/** A text-generation reply. */
export type TextGenerationResponse = z.infer<typeof textGenerationResponseSchema>;

/** The suffix Promptist was trained with: the model continues `<prompt> Rephrase:` with the optimized prompt. */
export const PROMPTIST_SUFFIX = ' Rephrase:';

/** Builds Promptist's request for k diverse rewrites (beam search, k beams, k sequences, no sampling). */
export function buildPromptistRequest(prompt: string, count: number, maxNewTokens = 75): TextGenerationRequest {
  const beams = Math.max(1, Math.floor(count));
  return {
    inputs: `${prompt.trim()}${PROMPTIST_SUFFIX}`,
    parameters: { num_beams: beams, num_return_sequences: beams, max_new_tokens: maxNewTokens, do_sample: false },
  };
}

/**
 * Reads a text-generation reply back into rewrites: `generated_text` may repeat the input (the toolkit's
 * `return_full_text` default), which is stripped, as are empty and duplicate sequences.
 */
export function parsePromptistResponse(response: unknown, inputs: string): string[] {
  const parsed = textGenerationResponseSchema.parse(response);
  const rewrites: string[] = [];
  const prompt = inputs.endsWith(PROMPTIST_SUFFIX) ? inputs.slice(0, -PROMPTIST_SUFFIX.length) : inputs;
  for (const { generated_text: text } of parsed) {
    let rewrite = text.trim();
    if (rewrite.startsWith(inputs.trim())) rewrite = rewrite.slice(inputs.trim().length);
    else if (rewrite.startsWith(`${prompt.trim()} Rephrase:`)) rewrite = rewrite.slice(prompt.trim().length + PROMPTIST_SUFFIX.length);
    rewrite = rewrite.replace(/^\s*rephrase:\s*/i, '').trim();
    if (rewrite.length > 0 && !rewrites.includes(rewrite)) rewrites.push(rewrite);
  }
  return rewrites;
}

/** Modifier families in the style Promptist learned from Lexica prompts (Hao et al. 2023, "Optimizing prompts for text-to-image generation"). */
const MODIFIER_FAMILIES: readonly (readonly string[])[] = [
  ['highly detailed', 'intricate', 'elegant', 'ultra detailed', 'intricate details', 'hyper detailed'],
  ['digital painting', 'concept art', 'illustration', 'matte painting', 'oil painting', 'digital art'],
  ['artstation', 'trending on artstation', 'cgsociety', 'artstation hq', 'deviantart'],
  ['smooth', 'sharp focus', 'soft focus', 'crisp'],
  ['8k', '4k', 'hd', 'uhd', 'high quality'],
  ['cinematic lighting', 'volumetric lighting', 'dramatic lighting', 'studio lighting', 'octane render', 'unreal engine'],
  ['vivid colors', 'vibrant colors', 'beautiful colors', 'rich colors'],
];

/** The list Promptist's most likely beam converges to. */
const CANONICAL_MODIFIERS: readonly string[] = ['highly detailed', 'digital painting', 'artstation', 'concept art', 'smooth', 'sharp focus', 'illustration'];

/** Artist credits Promptist appends ("by greg rutkowski and alphonse mucha"). */
const ARTISTS: readonly string[] = ['greg rutkowski', 'artgerm', 'alphonse mucha', 'wlop', 'makoto shinkai', 'james jean', 'ross tran', 'thomas kinkade'];

/** A rough token count (BPE averages about 1.3 tokens per English word; commas count). */
function approximateTokens(text: string): number {
  const words = text.split(/\s+/).filter((word) => word.length > 0).length;
  const commas = (text.match(/,/g) ?? []).length;
  return Math.ceil(words * 1.3) + commas;
}

/** One rewrite of the reference Promptist and how its content drifted from the prompt, if it did. */
export interface PromptistRewrite {
  readonly text: string;
  readonly drift?: PromptistDrift;
}

/**
 * The reference Promptist: answers a text-generation request with `num_return_sequences` rewrites of the
 * input prompt in Promptist's style (Lexica modifier lists appended, the framing sometimes dropped, the
 * objects sometimes reordered), within `max_new_tokens`, with content drift at PROMPTIST_DRIFT_RATE.
 * Deterministic per request; the reply repeats the input like the toolkit.
 */
export function textGeneration(request: unknown): TextGenerationResponse {
  const { inputs, parameters } = textGenerationRequestSchema.parse(request);
  const prompt = (inputs.endsWith(PROMPTIST_SUFFIX) ? inputs.slice(0, -PROMPTIST_SUFFIX.length) : inputs).trim();
  const rewrites = promptistRewrites(prompt, parameters?.num_return_sequences ?? 1, parameters?.max_new_tokens ?? 75);
  return rewrites.map(({ text }) => ({ generated_text: parameters?.return_full_text === false ? text : `${inputs} ${text}` }));
}

/** `count` distinct rewrites of a prompt (fewer when the beams run dry), best beam first. */
export function promptistRewrites(prompt: string, count: number, maxNewTokens: number, driftRate = PROMPTIST_DRIFT_RATE): PromptistRewrite[] {
  const base = prompt.trim().replace(/[\s,.;]+$/, '');
  const rewrites: PromptistRewrite[] = [];
  const seen = new Set<string>();
  for (let beam = 0; rewrites.length < count && beam < count * 4; beam += 1) {
    const rewrite = beamRewrite(base, beam, maxNewTokens, driftRate);
    if (seen.has(rewrite.text)) continue;
    seen.add(rewrite.text);
    rewrites.push(rewrite);
  }
  return rewrites;
}

/** "X and Y" → "Y and X" for a prompt of two objects and no relation (Promptist moves subjects around). */
function reorderObjects(prompt: string): string {
  const frame = /^((?:a|an)\s+(?:photo|picture|image)\s+of\s+)?(.*)$/i.exec(prompt);
  const body = frame?.[2] ?? prompt;
  const parts = body.split(' and ');
  if (parts.length !== 2 || /\b(?:left|right|above|below|under|over|top|bottom|beside|next to|near|on)\b/.test(body)) return prompt;
  return `${frame?.[1] ?? ''}${parts[1]} and ${parts[0]}`;
}

/** One beam: the prompt (sometimes without its "a photo of" framing, sometimes reordered, sometimes drifted) plus a family-diverse modifier list. */
function beamRewrite(prompt: string, beam: number, maxNewTokens: number, driftRate: number): PromptistRewrite {
  const random = new SeededRandom(hashString(`${beam}|${prompt}`));
  const framed = beam % 3 === 2 ? prompt.replace(/^(a|an)\s+(photo|picture|image)\s+of\s+/i, '') : prompt;
  const { text: subject, drift } = maybeDrift(beam % 4 === 3 ? reorderObjects(framed) : framed, driftRate, random);
  const familyOrder = random.shuffle(MODIFIER_FAMILIES.map((_, index) => index));
  // Beam 0 is the most likely continuation, Lexica's canonical list; later beams vary which and how many.
  const wanted = 3 + random.int(7);
  const modifiers: string[] = beam === 0 ? [...CANONICAL_MODIFIERS] : [];
  for (const family of beam === 0 ? [] : familyOrder) {
    if (modifiers.length >= wanted) break;
    const choice = random.pick(MODIFIER_FAMILIES[family] ?? ['']);
    if (choice !== '' && !modifiers.includes(choice)) modifiers.push(choice);
  }
  if (beam === 0 || random.int(3) !== 0) {
    const artists = [random.pick(ARTISTS)];
    if (random.int(2) === 0) {
      const second = random.pick(ARTISTS);
      if (!artists.includes(second)) artists.push(second);
    }
    modifiers.push(`by ${artists.join(' and ')}`);
  }
  const kept: string[] = [];
  for (const modifier of modifiers) {
    if (approximateTokens([...kept, modifier].join(', ')) + 1 > maxNewTokens) break;
    kept.push(modifier);
  }
  const text = kept.length === 0 ? subject : `${subject}, ${kept.join(', ')}`;
  return drift === undefined ? { text } : { text, drift };
}

/** The reference Promptist rewriter (PromptRewriterV1): speaks the text-generation wire format to `textGeneration`. */
export class ReferencePromptRewriter implements PromptRewriterV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly modelId: string;
  private readonly endpoint: (request: TextGenerationRequest) => unknown;

  constructor(options: { modelId?: string; endpoint?: (request: TextGenerationRequest) => unknown } = {}) {
    this.modelId = options.modelId ?? 'reference-promptist-v2';
    this.endpoint = options.endpoint ?? textGeneration;
  }

  async doRewrite(options: RewriteOptions): Promise<RewriteResult> {
    if (options.abortSignal?.aborted) throw new AbortedError('rewrite aborted', { cause: options.abortSignal.reason });
    const warnings: Warning[] = [];
    const count = Math.max(1, Math.floor(options.count));
    const request = buildPromptistRequest(options.prompt, count, options.maxNewTokens ?? 75);
    let reply: unknown;
    try {
      reply = await this.endpoint(request);
    } catch (error) {
      throw new BackendCallError({ backend: this.modelId, message: `rewriter failed: ${String(error)}`, cause: error });
    }
    let rewrites: string[];
    try {
      rewrites = parsePromptistResponse(reply, request.inputs);
    } catch (error) {
      throw new BackendCallError({ backend: this.modelId, message: 'rewriter reply is not a text-generation response', cause: error });
    }
    const own = options.prompt.trim();
    rewrites = rewrites.filter((rewrite) => rewrite !== own).slice(0, count);
    if (rewrites.length < count) warnings.push({ type: 'other', message: `rewriter returned ${rewrites.length} distinct rewrites of ${count} requested` });
    return { rewrites, warnings, response: { modelId: this.modelId } };
  }
}
