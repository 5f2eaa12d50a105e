import { describe, expect, it } from 'vitest';
import {
  buildPromptistRequest,
  parsePromptistResponse,
  ReferencePromptRewriter,
  textGeneration,
  type TextGenerationRequest,
} from '../../../src/reference-world/prompt-models/reference-prompt-rewriter.js';
import { AbortedError, BackendCallError } from '../../../src/ports/errors.js';

describe('ReferencePromptRewriter', () => {
  describe('wire format', () => {
    it("builds Promptist's text-generation request", () => {
      // Act
      const request = buildPromptistRequest('a photo of a cat', 4);

      // Assess
      expect(request).toEqual({
        inputs: 'a photo of a cat Rephrase:',
        parameters: { num_beams: 4, num_return_sequences: 4, max_new_tokens: 75, do_sample: false },
      });
    });

    it('round-trips: the reply parses back into k rewrites without the input', () => {
      // Prepare
      const request = buildPromptistRequest('a photo of a bench and a sports ball', 5);

      // Act
      const reply = textGeneration(request);
      const rewrites = parsePromptistResponse(reply, request.inputs);

      // Assess
      expect(reply).toHaveLength(5);
      expect(reply.every((sequence) => sequence.generated_text.startsWith(request.inputs))).toBe(true);
      expect(rewrites).toHaveLength(5);
      expect(rewrites.every((rewrite) => !rewrite.includes('Rephrase:'))).toBe(true);
      expect(rewrites.every((rewrite) => rewrite.includes('a bench and a sports ball'))).toBe(true);
    });

    it('parses replies that do not repeat the input', () => {
      // Act
      const rewrites = parsePromptistResponse([{ generated_text: ' a cat, 8k' }, { generated_text: 'a cat, 8k' }, { generated_text: '' }], 'a cat Rephrase:');

      // Assess
      expect(rewrites).toEqual(['a cat, 8k']);
    });

    it('rejects malformed requests with a validation error', () => {
      // Act
      const call = (): unknown => textGeneration({ inputs: 3 });

      // Assess
      expect(call).toThrow();
    });
  });

  describe('doRewrite', () => {
    it('returns k distinct rewrites in Promptist style, deterministic per prompt', async () => {
      // Prepare
      const rewriter = new ReferencePromptRewriter();

      // Act
      const first = await rewriter.doRewrite({ prompt: 'a photo of two clocks', count: 4 });
      const second = await rewriter.doRewrite({ prompt: 'a photo of two clocks', count: 4 });

      // Assess
      expect(first.rewrites).toHaveLength(4);
      expect(new Set(first.rewrites).size).toBe(4);
      expect(second.rewrites).toEqual(first.rewrites);
      expect(first.rewrites.every((rewrite) => rewrite.includes('two clocks') && rewrite.includes(', '))).toBe(true);
      expect(first.rewrites[0]).toContain('highly detailed');
      expect(first.response.modelId).toBe('reference-promptist-v1');
    });

    it('varies which and how many modifiers each beam adds', async () => {
      // Prepare
      const rewriter = new ReferencePromptRewriter();

      // Act
      const { rewrites } = await rewriter.doRewrite({ prompt: 'a cat', count: 6 });
      const lengths = new Set(rewrites.map((rewrite) => rewrite.split(',').length));

      // Assess
      expect(lengths.size).toBeGreaterThan(1);
    });

    it('respects the token budget', async () => {
      // Prepare
      const rewriter = new ReferencePromptRewriter();

      // Act
      const { rewrites } = await rewriter.doRewrite({ prompt: 'a cat', count: 3, maxNewTokens: 6 });

      // Assess
      expect(rewrites.every((rewrite) => rewrite.split(/\s+/).length <= 1 + 2 + 6)).toBe(true);
    });

    it('sends the wire request to its endpoint and reads the reply', async () => {
      // Prepare
      const seen: TextGenerationRequest[] = [];
      const rewriter = new ReferencePromptRewriter({
        endpoint: (request) => {
          seen.push(request);
          return [{ generated_text: `${request.inputs} a dog, artstation` }];
        },
      });

      // Act
      const result = await rewriter.doRewrite({ prompt: 'a dog', count: 2 });

      // Assess
      expect(seen[0]?.inputs).toBe('a dog Rephrase:');
      expect(result.rewrites).toEqual(['a dog, artstation']);
      expect(result.warnings).toHaveLength(1);
    });

    it('turns a malformed reply into a BackendCallError', async () => {
      // Prepare
      const rewriter = new ReferencePromptRewriter({ endpoint: () => ({ error: 'model not loaded' }) });

      // Act
      const call = rewriter.doRewrite({ prompt: 'a dog', count: 2 });

      // Assess
      await expect(call).rejects.toBeInstanceOf(BackendCallError);
    });

    it('honours an aborted signal', async () => {
      // Prepare
      const controller = new AbortController();
      controller.abort();

      // Act
      const call = new ReferencePromptRewriter().doRewrite({ prompt: 'a dog', count: 2, abortSignal: controller.signal });

      // Assess
      await expect(call).rejects.toBeInstanceOf(AbortedError);
    });
  });
});
