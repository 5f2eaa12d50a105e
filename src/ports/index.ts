export type { Blob, BlobInfo, BlobStore, ListPage, ListPageOptions, PresignOptions, PutOptions } from './blob-store.js';
export type { Candidate, CandidatePhase, Scores } from './candidate.js';
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
export type { GenerateItem, GenerateOptions, GenerateResult, GeneratedImage, GeneratorV1 } from './generator.js';
export type { ImageRef } from './image-ref.js';
export type { GenerationJob, JobRunner } from './job-runner.js';
export { noiseRecipeSchema } from './noise-recipe.js';
export type { NoiseRecipe, NoiseTerm } from './noise-recipe.js';
export type { PromptRewriterV1, RewriteOptions, RewriteResult } from './prompt-rewriter.js';
export type { ScoreDetail, ScoreItem, ScoreOptions, ScoreResult, ScorerV1 } from './scorer.js';
export type { Warning } from './warning.js';
