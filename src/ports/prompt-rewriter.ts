import type { Warning } from './warning.js';

/** Options of one rewrite call (Promptist: the model sees `<prompt> Rephrase:`). */
export interface RewriteOptions {
  readonly prompt: string;
  /** How many distinct rewrites to return (beam search with this many return sequences). */
  readonly count: number;
  /** Upper bound on new tokens per rewrite (Promptist uses 75). */
  readonly maxNewTokens?: number;
  readonly abortSignal?: AbortSignal;
}

/** Rewritten prompts, best first, without the user's own prompt. */
export interface RewriteResult {
  readonly rewrites: readonly string[];
  readonly warnings: readonly Warning[];
  readonly response: { readonly modelId: string };
}

/** Promptist-style prompt rewriter port (v1), wire format: text-generation `{inputs, parameters}`. */
export interface PromptRewriterV1 {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  doRewrite(options: RewriteOptions): Promise<RewriteResult>;
}
