import type { ChatModelV1, GeneratorV1, PromptRewriterV1, ScorerV1 } from '../../ports/index.js';
import { ReferenceChatModel } from './reference-chat-model.js';
import { ReferenceGenerator } from './reference-generator.js';
import { ReferencePromptRewriter } from './reference-prompt-rewriter.js';
import { createReferenceScorers } from './reference-scorers.js';

export { chatCompletion, ReferenceChatModel } from './reference-chat-model.js';
export type { ChatCompletionRequest, ChatCompletionResponse } from './reference-chat-model.js';
export { InvalidGenerateRequestError, ReferenceGenerator } from './reference-generator.js';
export type { ReferenceGeneratorOptions, ReferenceSample } from './reference-generator.js';
export { buildPromptistRequest, parsePromptistResponse, ReferencePromptRewriter, textGeneration } from './reference-prompt-rewriter.js';
export type { TextGenerationRequest, TextGenerationResponse } from './reference-prompt-rewriter.js';
export { createReferenceScorers, REFERENCE_SCORER_CALIBRATION } from './reference-scorers.js';
export { standardNormalTensor } from './sampler/normal-rng.js';

/** The whole reference world (local default backend): generator, scorers and prompt models, weights-free. */
export interface ReferenceWorld {
  readonly generator: GeneratorV1;
  readonly scorers: ScorerV1[];
  readonly rewriter: PromptRewriterV1;
  readonly chatModel: ChatModelV1;
}

/** Creates the reference world with its calibrated defaults. */
export function createReferenceWorld(): ReferenceWorld {
  return {
    generator: new ReferenceGenerator(),
    scorers: createReferenceScorers(),
    rewriter: new ReferencePromptRewriter(),
    chatModel: new ReferenceChatModel(),
  };
}
