import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/** How the one SageMaker runtime client of a process is built. */
export interface SageMakerClientOptions {
  /** Default: the SDK's resolution (AWS_REGION, profile); `us-east-1` with an `endpoint`. */
  readonly region?: string;
  /** A SageMaker-runtime-compatible server (the emulator: `http://127.0.0.1:8790`). */
  readonly endpoint?: string;
  /** Static credentials (the emulator's dummies); default: the SDK's credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Attempts per call, the first included (default 4). */
  readonly maxAttempts?: number;
  /** Backoff before retry k (1-based) is uniform in [0, min(retryMaxDelayMs, retryBaseDelayMs·2^(k−1))) (full jitter). */
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /**
   * Options of the SDK's HTTP handler, from the runtime: Node wiring passes keep-alive agents
   * (`{ httpAgent, httpsAgent }`, see src/runtime/node-http-agents.ts); absent, the SDK's default handler
   * for the platform it was bundled for (fetch on Workers, Node's http on Node).
   */
  readonly requestHandler?: Readonly<Record<string, unknown>>;
  /** Jitter source (tests pin it). */
  readonly random?: () => number;
}

/**
 * Builds the SageMaker runtime client (one per process, shared by every SageMaker adapter). Retries
 * live here, in the SDK's own retry loop: ThrottlingException, ModelNotReadyException (429), 500–504 and
 * network errors are retried with jittered exponential backoff (ConfiguredRetryStrategy, so the SDK's
 * retry quota applies too), and each wait is cut short by the call's abort signal, so a request's
 * deadline bounds them. ModelError (424) and other 4xx are never retried.
 */
export function createSageMakerRuntimeClient(options: SageMakerClientOptions = {}): SageMakerRuntimeClient {
  const base = options.retryBaseDelayMs ?? 100;
  const cap = options.retryMaxDelayMs ?? 5000;
  const random = options.random ?? Math.random;
  const region = options.region ?? (options.endpoint ? 'us-east-1' : undefined);
  return new SageMakerRuntimeClient({
    ...(region === undefined ? {} : { region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts ?? 4, (attempt) => Math.floor(random() * Math.min(cap, base * 2 ** Math.max(0, attempt - 1)))),
    ...(options.requestHandler === undefined ? {} : { requestHandler: { ...options.requestHandler } }),
  });
}
