import type { PromptRewriterV1, RewriteOptions, RewriteResult, Warning } from '../../ports/index.js';
import { buildPromptistRequest, parsePromptistResponse } from '../../reference-world/prompt-models/reference-prompt-rewriter.js';
import { SageMakerAdapter } from './sagemaker-endpoint.js';

/**
 * PromptRewriterV1 over a SageMaker endpoint serving Promptist (`microsoft/Promptist`) on the stock
 * Hugging Face inference container: the toolkit's text-generation request `{"inputs": "<prompt>
 * Rephrase:", "parameters": {num_beams, num_return_sequences, max_new_tokens, do_sample}}` →
 * `[{"generated_text"}]` (a single object, as some containers answer, is read too). The request and the
 * reading are the reference rewriter's, so both backends rewrite alike.
 */
export class SageMakerPromptRewriter extends SageMakerAdapter implements PromptRewriterV1 {

  async doRewrite(options: RewriteOptions): Promise<RewriteResult> {
    const count = Math.max(1, Math.floor(options.count));
    const request = buildPromptistRequest(options.prompt, count, options.maxNewTokens ?? 75);
    const parsed = await this.endpoint.call(JSON.stringify(request), options.abortSignal ? { abortSignal: options.abortSignal } : {}, ({ json, inferenceId }) => {
      try {
        return parsePromptistResponse(Array.isArray(json) ? json : [json], request.inputs);
      } catch (error) {
        throw this.invalidResponse(inferenceId, 'answer is not a text-generation response ([{"generated_text"}])', error);
      }
    });
    const own = options.prompt.trim();
    const rewrites = parsed.filter((rewrite) => rewrite !== own).slice(0, count);
    const warnings: Warning[] = [];
    if (rewrites.length < count) warnings.push({ type: 'other', message: `rewriter returned ${rewrites.length} distinct rewrites of ${count} requested` });
    return { rewrites, warnings, response: { modelId: this.modelId } };
  }
}
