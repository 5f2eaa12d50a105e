export type {
  AggregateMethod,
  EngineDeps,
  EngineEvent,
  EngineResult,
  GenerationPlan,
  ImageSink,
  ParticlePotential,
  PromptOptimizationPlan,
  RewardSpec,
  RunOptions,
  ScorerEntry,
  SearchMethod,
  SearchPlan,
  StopReason,
  TraceEntry,
  Usage,
} from './generation-plan.js';
export { runGeneration } from './run-generation.js';
export type { EngineRunOptions } from './run-generation.js';
export { BudgetExceededError, InvalidNoiseRecipeError, InvalidPlanError, PromptOptimizerUnavailableError } from './engine-errors.js';
export { MAX_RECIPE_TERMS, neighborRecipe, normalizeRecipe, recipeCosine, singleSeedRecipe } from './noise/noise-recipes.js';
export { deriveSeed } from './noise/seed-derivation.js';
export { aggregateRewards, weightedMeanScore } from './rewards/aggregate-rewards.js';
export { buildOpt2iMessages, OPT2I_SYSTEM_PROMPT } from './prompt/opt2i-meta-prompt.js';
export type { Opt2iHistoryEntry } from './prompt/opt2i-meta-prompt.js';
export { parseOpt2iReply } from './prompt/opt2i-reply-parser.js';
export { COMPUTE_AWARE_METHODS, effectiveSearchSteps, imageBudget, isComputeAware } from './budget/budget-split.js';
export { imageNfe, nfeCap, segmentNfe } from './budget/nfe-cost.js';
export { abortsInFlight, stopReasonOf } from './budget/run-control.js';
