import type { ReferenceWorld } from '../reference/index.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { SageMakerChatModel } from './sagemaker-chat-model.js';
import { createSageMakerRuntimeClient } from './sagemaker-client.js';
import { SageMakerGenerator } from './sagemaker-generator.js';
import { SageMakerGeneratorV2 } from './sagemaker-generator-v2.js';
import { SageMakerPromptRewriter } from './sagemaker-prompt-rewriter.js';
import { SageMakerScorer } from './sagemaker-scorer.js';

/** One endpoint's name and per-call timeout (retries included). */
export interface SageMakerEndpointSettings {
  readonly endpointName: string;
  /** The inference component to invoke, when the endpoint hosts components (scale to zero). */
  readonly inferenceComponentName?: string;
  readonly timeoutMs: number;
}

/** An endpoint that takes batches. */
export interface SageMakerBatchEndpointSettings extends SageMakerEndpointSettings {
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
}

/** Everything the SageMaker backend needs (src/runtime/sagemaker-config.ts reads it from the environment). */
export interface SageMakerWorldConfig {
  /** Undefined: the SDK's own resolution. */
  readonly region: string | undefined;
  /** A SageMaker-runtime-compatible server instead of AWS (the emulator). */
  readonly endpointUrl: string | undefined;
  /** Static credentials (the emulator's dummies); undefined: the SDK's credential chain. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  readonly retry: { readonly maxAttempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly circuit: { readonly failureThreshold: number; readonly cooldownMs: number };
  readonly generator: SageMakerBatchEndpointSettings;
  /**
   * One endpoint serving several reward models, picked by the request's `model`; `ranges` are their
   * nominal score ranges (over NOMINAL_SCORER_RANGES), which OPT2I's meta-prompt scores are scaled by.
   */
  readonly scorer: SageMakerBatchEndpointSettings & {
    readonly models: readonly string[];
    readonly ranges?: Readonly<Record<string, { readonly min: number; readonly max: number }>>;
  };
  readonly promptist: SageMakerEndpointSettings;
  readonly llm: SageMakerEndpointSettings;
  /**
   * The runtime's HTTP handler options for at least `sockets` concurrent calls (Node: keep-alive agents);
   * absent, the SDK's default handler for the platform (fetch at the edge).
   */
  readonly requestHandler?: (sockets: number) => Readonly<Record<string, unknown>>;
}

/**
 * The SageMaker backend's ports, shaped like the reference world so the runtime wires either
 * (`warmUp` has nothing to start; `close` closes the SDK client's sockets).
 */
export type SageMakerWorld = ReferenceWorld;

/**
 * Nominal score ranges of scorer models whose scale is fixed by convention: the reference world's (which
 * the emulator serves) and the LAION aesthetic predictor's 1–10. Others (PickScore, HPSv2, ImageReward,
 * CLIPScore) depend on the handler's scaling: configure them (DIFFALIGN_SM_SCORER_RANGES).
 */
export const NOMINAL_SCORER_RANGES: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  geneval: { min: 0, max: 1 },
  aesthetic: { min: 1, max: 10 },
  compressibility: { min: -4, max: 0 },
  incompressibility: { min: 0, max: 4 },
};

/**
 * Scorer models whose scores of low-resolution x̂₀ previews are known to track their final scores (the
 * reference world's geneval and aesthetic, which the emulator serves; compute-aware search prunes on
 * them). Others are not asked about previews unless no scorer of a request is.
 */
export const PREVIEW_JUDGING_MODELS: readonly string[] = ['geneval', 'aesthetic'];

/** Sources of time and randomness (tests pin them). */
export interface SageMakerWorldInternals {
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * Builds the SageMaker backend: one SDK client for the process, one circuit breaker per endpoint (the
 * scorer models share theirs), one adapter per port.
 */
export function createSageMakerWorld(config: SageMakerWorldConfig, _internal: SageMakerWorldInternals = {}): SageMakerWorld {
  const client = createSageMakerRuntimeClient({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.endpointUrl === undefined ? {} : { endpoint: config.endpointUrl }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    maxAttempts: config.retry.maxAttempts,
    retryBaseDelayMs: config.retry.baseDelayMs,
    retryMaxDelayMs: config.retry.maxDelayMs,
    ...(config.requestHandler === undefined
      ? {}
      : { requestHandler: config.requestHandler(Math.max(16, config.generator.maxConcurrency + config.scorer.maxConcurrency * config.scorer.models.length + 8)) }),
    ...(_internal.random === undefined ? {} : { random: _internal.random }),
  });
  const breaker = (name: string): CircuitBreaker =>
    new CircuitBreaker(`SageMaker endpoint ${name}`, { ...config.circuit, ...(_internal.now === undefined ? {} : { now: _internal.now }) });
  const endpoint = (settings: SageMakerEndpointSettings, circuitBreaker: CircuitBreaker) => ({
    client,
    endpointName: settings.endpointName,
    ...(settings.inferenceComponentName === undefined ? {} : { inferenceComponentName: settings.inferenceComponentName }),
    timeoutMs: settings.timeoutMs,
    circuitBreaker,
  });
  const scorerBreaker = breaker(config.scorer.endpointName);
  const batch = (settings: SageMakerBatchEndpointSettings) => ({ maxBatchSize: settings.maxBatchSize, maxConcurrency: settings.maxConcurrency });
  const generatorSettings = { ...endpoint(config.generator, breaker(config.generator.endpointName)), ...batch(config.generator) };
  return {
    generator: new SageMakerGenerator(config.generator.endpointName, generatorSettings),
    // the same endpoint and breaker: whole-schedule batches go as generator-v1, segments as generator-v2
    generatorV2: new SageMakerGeneratorV2(config.generator.endpointName, generatorSettings),
    scorers: config.scorer.models.map((model) => {
      const range = config.scorer.ranges?.[model] ?? NOMINAL_SCORER_RANGES[model];
      return new SageMakerScorer(model, { ...endpoint(config.scorer, scorerBreaker), ...batch(config.scorer), ...(range === undefined ? {} : { range }), judgesPreviews: PREVIEW_JUDGING_MODELS.includes(model) });
    }),
    rewriter: new SageMakerPromptRewriter(config.promptist.endpointName, endpoint(config.promptist, breaker(config.promptist.endpointName))),
    chatModel: new SageMakerChatModel(config.llm.endpointName, endpoint(config.llm, breaker(config.llm.endpointName))),
    warmUp: async () => {},
    close: async () => client.destroy(),
  };
}
