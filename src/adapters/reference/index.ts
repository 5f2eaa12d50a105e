import { availableParallelism } from 'node:os';
import type { ChatModelV1, GeneratorV1, GeneratorV2, PromptRewriterV1, ScorerV1 } from '../../ports/index.js';
import { ReferenceChatModel } from '../../reference-world/prompt-models/reference-chat-model.js';
import { ReferenceGenerator } from './reference-generator.js';
import { ReferenceGeneratorV2 } from './reference-generator-v2.js';
import { ReferencePromptRewriter } from '../../reference-world/prompt-models/reference-prompt-rewriter.js';
import { createReferenceScorers } from './reference-scorers.js';
import { PooledReferenceGenerator } from './worker-pool/pooled-reference-generator.js';
import { PooledReferenceGeneratorV2 } from './worker-pool/pooled-reference-generator-v2.js';
import { createPooledReferenceScorers } from './worker-pool/pooled-reference-scorer.js';
import { ReferenceWorkerPool } from './worker-pool/reference-worker-pool.js';

export { chatCompletion, ReferenceChatModel } from '../../reference-world/prompt-models/reference-chat-model.js';
export type { ChatCompletionRequest, ChatCompletionResponse } from '../../reference-world/prompt-models/reference-chat-model.js';
export { InvalidGenerateRequestError, ReferenceGenerator } from './reference-generator.js';
export type { ReferenceGeneratorOptions, ReferenceSample } from './reference-generator.js';
export { ReferenceGeneratorV2 } from './reference-generator-v2.js';
export type { ReferenceSegmentResult } from './reference-generator-v2.js';
export { decodeLatentCheckpoint, encodeLatentCheckpoint } from './latent-checkpoint-codec.js';
export { PooledReferenceGeneratorV2 } from './worker-pool/pooled-reference-generator-v2.js';
export { buildPromptistRequest, parsePromptistResponse, ReferencePromptRewriter, textGeneration } from '../../reference-world/prompt-models/reference-prompt-rewriter.js';
export type { TextGenerationRequest, TextGenerationResponse } from '../../reference-world/prompt-models/reference-prompt-rewriter.js';
export { createReferenceScorers, REFERENCE_SCORER_CALIBRATION } from './reference-scorers.js';
export { standardNormalTensor } from '../../reference-world/sampler/normal-rng.js';
export { PooledReferenceGenerator } from './worker-pool/pooled-reference-generator.js';
export { createPooledReferenceScorers, PooledReferenceScorer } from './worker-pool/pooled-reference-scorer.js';
export { ReferenceWorkerPool } from './worker-pool/reference-worker-pool.js';

/** The whole reference world (local default backend): generator, scorers and prompt models, weights-free. */
export interface ReferenceWorld {
  readonly generator: GeneratorV1;
  /** The same model behind the Generator port v2 (partial schedules, checkpoints, previews): what compute-aware search needs. */
  readonly generatorV2: GeneratorV2;
  readonly scorers: ScorerV1[];
  readonly rewriter: PromptRewriterV1;
  readonly chatModel: ChatModelV1;
  /** Starts the worker threads and loads their models, so the first request is not slow (no-op in-thread). */
  warmUp(): Promise<void>;
  /** Terminates the worker threads; calls in flight reject with AbortedError (no-op in-thread). */
  close(): Promise<void>;
}

/** Options of the reference world. */
export interface ReferenceWorldOptions {
  /**
   * Worker threads the generator and scorers run on (default `os.availableParallelism()`), so their
   * CPU work never blocks the event loop; 0 runs them in the calling thread.
   */
  readonly threads?: number;
}

/** Creates the reference world with its calibrated defaults. */
export function createReferenceWorld(options: ReferenceWorldOptions = {}): ReferenceWorld {
  const threads = options.threads ?? availableParallelism();
  const prompts = { rewriter: new ReferencePromptRewriter(), chatModel: new ReferenceChatModel() };
  if (threads === 0) {
    const idle = async (): Promise<void> => {};
    return { generator: new ReferenceGenerator(), generatorV2: new ReferenceGeneratorV2(), scorers: createReferenceScorers(), ...prompts, warmUp: idle, close: idle };
  }
  const pool = new ReferenceWorkerPool({ threads });
  return {
    generator: new PooledReferenceGenerator(pool),
    generatorV2: new PooledReferenceGeneratorV2(pool),
    scorers: createPooledReferenceScorers(pool),
    ...prompts,
    warmUp: () => pool.warmUp(),
    close: () => pool.close(),
  };
}
