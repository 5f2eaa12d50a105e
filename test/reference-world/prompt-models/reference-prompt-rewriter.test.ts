import { describe, expect, it } from 'vitest';
import { PROMPTIST_DRIFT_RATE } from '../../../src/reference-world/prompt-models/promptist-drift.js';
import {
  buildPromptistRequest,
  parsePromptistResponse,
  promptistRewrites,
  ReferencePromptRewriter,
  textGeneration,
  type PromptistRewrite,
  type TextGenerationRequest,
} from '../../../src/reference-world/prompt-models/reference-prompt-rewriter.js';
import { generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';
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
      expect(rewrites.every((rewrite) => /a bench and a sports ball|a sports ball and a bench/.test(rewrite))).toBe(true);
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
      expect(first.response.modelId).toBe('reference-promptist-v2');
    });

    it('drifts from the content at the stated rate (within 4 binomial standard errors), and only drifted rewrites lose a colour, a count or an object', () => {
      // Prepare
      const suite = generateGenevalSuite(3).map((spec) => spec.prompt ?? '');

      // Act
      const rewrites = suite.flatMap((prompt) => promptistRewrites(prompt, 4, 75).map((rewrite) => ({ prompt, rewrite })));
      const drifted = rewrites.filter(({ rewrite }) => rewrite.drift !== undefined);
      const keepsWords = ({ prompt, rewrite }: { prompt: string; rewrite: PromptistRewrite }): boolean => {
        const content = prompt.replace(/^a photo of /, '');
        const parts = content.split(' and ');
        return rewrite.text.includes(content) || (parts.length === 2 && rewrite.text.includes(`${parts[1]} and ${parts[0]}`));
      };

      // Assess
      const rate = drifted.length / rewrites.length;
      expect(rewrites.length).toBeGreaterThan(2000);
      expect(Math.abs(rate - PROMPTIST_DRIFT_RATE)).toBeLessThan(4 * Math.sqrt((PROMPTIST_DRIFT_RATE * (1 - PROMPTIST_DRIFT_RATE)) / rewrites.length));
      expect(rewrites.filter((entry) => entry.rewrite.drift === undefined).every(keepsWords)).toBe(true);
      // A drifted rewrite lost words of the prompt, or kept them all and brought in a subject.
      expect(drifted.filter(keepsWords).every((entry) => entry.rewrite.drift === 'added_subject')).toBe(true);
      expect(drifted.filter((entry) => !keepsWords(entry)).length).toBeGreaterThan(drifted.length / 3);
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
