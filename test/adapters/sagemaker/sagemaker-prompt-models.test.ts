import { describe, expect, it } from 'vitest';
import { ReferenceChatModel } from '../../../src/reference-world/prompt-models/reference-chat-model.js';
import { ReferencePromptRewriter } from '../../../src/reference-world/prompt-models/reference-prompt-rewriter.js';
import { SageMakerChatModel } from '../../../src/adapters/sagemaker/sagemaker-chat-model.js';
import { SageMakerPromptRewriter } from '../../../src/adapters/sagemaker/sagemaker-prompt-rewriter.js';
import { buildOpt2iMessages } from '../../../src/engine/index.js';
import { EndpointModelError, EndpointTimeoutError, InvalidEndpointResponseError } from '../../../src/ports/errors.js';
import { useEmulatorHarness, type EmulatorHarness } from './emulator-harness.js';

const PROMPTIST = 'diffalign-promptist';
const LLM = 'diffalign-llm';

describe('SageMaker prompt models', () => {
  const harness = useEmulatorHarness();
  const rewriter = (overrides: Parameters<EmulatorHarness['endpoint']>[1] = {}): SageMakerPromptRewriter => new SageMakerPromptRewriter(PROMPTIST, harness.endpoint(PROMPTIST, overrides));
  const chatModel = (overrides: Parameters<EmulatorHarness['endpoint']>[1] = {}): SageMakerChatModel => new SageMakerChatModel(LLM, harness.endpoint(LLM, overrides));


  describe('SageMakerPromptRewriter', () => {
    describe('doRewrite', () => {
      it('rewrites as the reference Promptist does, over the text-generation format', async () => {
        // Prepare
        const options = { prompt: 'a photo of a red apple', count: 3, maxNewTokens: 75 };
        const expected = await new ReferencePromptRewriter().doRewrite(options);
        // Act
        const result = await rewriter().doRewrite(options);
        // Assess
        expect(result.rewrites).toEqual(expected.rewrites);
        expect(result.warnings).toEqual(expected.warnings);
        expect(result.rewrites).toHaveLength(3);
      });

      it('retries model-not-ready and throttling, then succeeds', async () => {
        // Prepare
        harness.faults({ rules: [{ fault: 'model_not_ready', endpoint: PROMPTIST, attempts: [1] }, { fault: 'throttle', endpoint: PROMPTIST, attempts: [2] }] });
        // Act
        const result = await rewriter().doRewrite({ prompt: 'a cat', count: 2 });
        // Assess
        expect(result.rewrites).toHaveLength(2);
        expect(harness.emulator.calls().map((call) => call.status)).toEqual([429, 400, 200]);
      });

      it('turns a body that is not a text-generation reply into InvalidEndpointResponseError', async () => {
        // Prepare
        harness.faults({ rules: [{ fault: 'malformed', variant: 'wrong_shape', endpoint: PROMPTIST }] });
        // Act
        const failure = await rewriter().doRewrite({ prompt: 'a cat', count: 2 }).catch((error: unknown) => error);
        // Assess
        expect(failure).toBeInstanceOf(InvalidEndpointResponseError);
        expect((failure as Error).message).toContain('not a text-generation response');
      });

      it('cuts a hanging endpoint at its timeout', async () => {
        // Prepare
        harness.faults({ rules: [{ fault: 'hang', endpoint: PROMPTIST }] });
        // Act
        const failure = await rewriter({ timeoutMs: 150 }).doRewrite({ prompt: 'a cat', count: 2 }).catch((error: unknown) => error);
        // Assess
        expect(failure).toBeInstanceOf(EndpointTimeoutError);
      });
    });
  });

  describe('SageMakerChatModel', () => {
    describe('doChat', () => {
      const messages = buildOpt2iMessages('a photo of two dogs and a red car', [{ prompt: 'a photo of two dogs and a red car', score: 40, missed: ['2 dogs (found 1)'] }], 4);

      it('answers as the reference OPT2I reviser does, over the OpenAI chat format', async () => {
        // Prepare
        const options = { messages, maxTokens: 400, temperature: 0.7, seed: 11 };
        const expected = await new ReferenceChatModel().doChat(options);
        // Act
        const result = await chatModel().doChat(options);
        // Assess
        expect(result.text).toBe(expected.text);
        expect(result.text).toContain('<PROMPT>');
        expect(result.warnings).toEqual(expected.warnings);
      });

      it('warns when the reply was cut at max_tokens', async () => {
        // Act
        const result = await chatModel().doChat({ messages, maxTokens: 12 });
        // Assess
        expect(result.warnings).toEqual([{ type: 'other', message: 'chat reply was cut at max_tokens' }]);
      });

      it('maps a ModelError from the LLM container, not retried', async () => {
        // Prepare
        harness.faults({ rules: [{ fault: 'model_error', endpoint: LLM, originalStatus: 400, message: 'context length exceeded' }] });
        // Act
        const failure = await chatModel().doChat({ messages }).catch((error: unknown) => error);
        // Assess
        expect(failure).toBeInstanceOf(EndpointModelError);
        expect(failure).toMatchObject({ fault: 'caller', originalMessage: 'context length exceeded' });
        expect(harness.emulator.calls()).toHaveLength(1);
      });

      it('turns a reply without choices into InvalidEndpointResponseError', async () => {
        // Prepare
        harness.faults({ rules: [{ fault: 'malformed', variant: 'wrong_count', endpoint: LLM }] });
        // Act
        const failure = await chatModel().doChat({ messages }).catch((error: unknown) => error);
        // Assess
        expect(failure).toBeInstanceOf(InvalidEndpointResponseError);
      });
    });
  });
});
