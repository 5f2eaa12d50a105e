import type { ChatModelV1, ChatOptions, ChatResult, Warning } from '../../ports/index.js';
import { SageMakerAdapter } from './sagemaker-endpoint.js';
import { chatCompletionReplySchema, type ChatCompletionBody } from './wire/chat-completion.js';

/**
 * ChatModelV1 over a SageMaker endpoint serving an LLM on an LMI / vLLM container, in the
 * OpenAI-compatible chat format: `{"messages", "max_tokens", "temperature", "seed"}` →
 * `{"choices": [{"message": {"content"}}]}`.
 */
export class SageMakerChatModel extends SageMakerAdapter implements ChatModelV1 {

  async doChat(options: ChatOptions): Promise<ChatResult> {
    const body: ChatCompletionBody = {
      messages: options.messages.map((message) => ({ role: message.role, content: message.content })),
      ...(options.maxTokens === undefined ? {} : { max_tokens: options.maxTokens }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    };
    return this.endpoint.call(JSON.stringify(body), options.abortSignal ? { abortSignal: options.abortSignal } : {}, ({ json, inferenceId }) => {
      const parsed = chatCompletionReplySchema.safeParse(json);
      const content = parsed.success ? parsed.data.choices[0]?.message.content : undefined;
      if (!parsed.success || content === undefined) {
        throw this.invalidResponse(inferenceId, 'answer is not an OpenAI-compatible chat completion with a message content', parsed.success ? undefined : parsed.error);
      }
      const warnings: Warning[] = [];
      if (parsed.data.choices[0]?.finish_reason === 'length') warnings.push({ type: 'other', message: 'chat reply was cut at max_tokens' });
      return { text: content ?? '', warnings, response: { modelId: this.modelId } };
    });
  }
}
