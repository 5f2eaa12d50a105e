import { z } from 'zod';
import { AbortedError, BackendCallError } from '../../ports/errors.js';
import type { ChatModelV1, ChatOptions, ChatResult, Warning } from '../../ports/index.js';
import { readOpt2iMetaPrompt } from './opt2i-meta-prompt-reader.js';
import { reviseFromMetaPrompt, type Opt2iReviserOptions } from './opt2i-reviser.js';

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

/**
 * Answers an OpenAI-compatible chat completion request as the reference OPT2I reviser: a numbered list of
 * `<PROMPT>…</PROMPT>` lines, cut at `max_tokens` (≈1.3 tokens per word; finish_reason "length").
 * Temperature defaults to 1 and seed to 0, as OpenAI-compatible servers do.
 */
export function chatCompletion(request: unknown, options: Opt2iReviserOptions = {}): ChatCompletionResponse & { model: string; object: string } {
  const { messages, max_tokens: maxTokens, temperature = 1, seed = 0 } = chatCompletionRequestSchema.parse(request);
  const meta = readOpt2iMetaPrompt(messages.map((message) => ({ role: message.role, content: message.content })));
  const conversation = messages.map((message) => `${message.role}:${message.content}`).join('\n');
  const revisions = reviseFromMetaPrompt(meta, { temperature, seed, conversation }, options);
  const lines = [`Here are ${revisions.length} paraphrases:`, ...revisions.map((revision, index) => `${index + 1}. <PROMPT>${revision.prompt}</PROMPT>`)];
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
    model: 'reference-opt2i-v2',
    choices: [{ message: { role: 'assistant', content }, finish_reason: finishReason }],
  };
}

/** Options of the reference OPT2I reviser: another endpoint, or the reviser's own phrasing and mistake rates. */
export interface ReferenceChatModelOptions extends Opt2iReviserOptions {
  readonly modelId?: string;
  /** Where the chat request goes (default: `chatCompletion` with this object's phrasing and mistake rates). */
  readonly endpoint?: (request: ChatCompletionRequest) => unknown;
}

/** The reference OPT2I reviser (ChatModelV1): sends the OpenAI-compatible chat format to `chatCompletion`. */
export class ReferenceChatModel implements ChatModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'reference';
  readonly modelId: string;
  private readonly endpoint: (request: ChatCompletionRequest) => unknown;

  constructor(options: ReferenceChatModelOptions = {}) {
    this.modelId = options.modelId ?? 'reference-opt2i-v2';
    const reviser: Opt2iReviserOptions = {
      ...(options.phrasing === undefined ? {} : { phrasing: options.phrasing }),
      ...(options.mistakeRates === undefined ? {} : { mistakeRates: options.mistakeRates }),
    };
    this.endpoint = options.endpoint ?? ((request) => chatCompletion(request, reviser));
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
