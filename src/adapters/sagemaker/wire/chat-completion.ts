import { z } from 'zod';

/**
 * The part of an OpenAI-compatible chat completion we read (LMI / vLLM containers): the first choice's
 * message content and why it finished. Everything else may be there or not.
 */
export const chatCompletionReplySchema = z
  .object({
    model: z.string().optional(),
    choices: z
      .array(
        z
          .object({
            message: z.object({ content: z.string().nullable().optional() }).loose(),
            finish_reason: z.string().nullable().optional(),
          })
          .loose(),
      )
      .min(1),
  })
  .loose();

/** The OpenAI-compatible chat request we send. */
export interface ChatCompletionBody {
  readonly messages: readonly { readonly role: 'system' | 'user' | 'assistant'; readonly content: string }[];
  readonly max_tokens?: number;
  readonly temperature?: number;
  readonly seed?: number;
}

export type ChatCompletionReply = z.infer<typeof chatCompletionReplySchema>;
