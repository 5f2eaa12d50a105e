export type { Blob, BlobInfo, BlobStore, ListPage, ListPageOptions, PresignOptions, PutOptions } from './blob-store.js';
export type { Candidate, CandidatePhase, CandidateSegment, Scores } from './candidate.js';
export type { ChatMessage, ChatModelV1, ChatOptions, ChatResult } from './chat-model.js';
export {
  AbortedError,
  BackendCallError,
  BlobAlreadyExistsError,
  BlobPreconditionFailedError,
  DiffalignError,
  InvalidBlobKeyError,
  UnknownModelError,
  isRetryableStatus,
} from './errors.js';
export { evaluationsPerStep } from './generator.js';
export type {
  GenerateItem,
  GenerateItemV2,
  GenerateOptions,
  GenerateOptionsV2,
  GenerateResult,
  GenerateResultV2,
  GeneratedImage,
  GeneratedSegment,
  Generator,
  GeneratorV1,
  GeneratorV2,
} from './generator.js';
export { latentCheckpointSchema, MAX_CHECKPOINT_CHARS } from './latent-checkpoint.js';
export type { LatentCheckpoint, LatentDtype } from './latent-checkpoint.js';
export { fmix32, samplerStepSeed } from './sampler.js';
export type { SamplerSpec } from './sampler.js';
export type { ImageRef } from './image-ref.js';
export type { GenerationJob, JobRunner } from './job-runner.js';
export { noiseRecipeSchema } from './noise-recipe.js';
export type { NoiseRecipe, NoiseTerm } from './noise-recipe.js';
export type { PromptRewriterV1, RewriteOptions, RewriteResult } from './prompt-rewriter.js';
export type { ScoreDetail, ScoreItem, ScoreOptions, ScoreResult, ScorerV1 } from './scorer.js';
export type { Warning } from './warning.js';
