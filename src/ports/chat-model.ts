import type { Warning } from './warning.js';

/** One message of a chat conversation (OpenAI-compatible roles). */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Options of one chat completion. */
export interface ChatOptions {
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  /** Seed for sampling, where the backend supports it (reproducibility). */
  readonly seed?: number;
  readonly abortSignal?: AbortSignal;
}

/** The assistant's reply. */
export interface ChatResult {
  readonly text: string;
  readonly warnings: readonly Warning[];
  readonly response: { readonly modelId: string };
}

/** LLM chat port (v1) used by the OPT2I reviser; wire format: OpenAI-compatible chat. */
export interface ChatModelV1 {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  doChat(options: ChatOptions): Promise<ChatResult>;
}
