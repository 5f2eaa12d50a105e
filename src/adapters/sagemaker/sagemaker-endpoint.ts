import { InvokeEndpointCommand, ModelError, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import {
  AbortedError,
  BackendCallError,
  DiffalignError,
  EndpointModelError,
  EndpointPayloadTooLargeError,
  EndpointTimeoutError,
  InvalidEndpointResponseError,
} from '../../ports/errors.js';
import type { CallOutcome, CircuitBreaker } from './circuit-breaker.js';
import { SAGEMAKER_MAX_PAYLOAD_BYTES, splitByPayload } from './payload-split.js';
import { decodeUtf8, encodeUtf8, utf8ByteLength } from './wire-encoding.js';

/** What every SageMaker adapter is configured with for its endpoint. */
export interface SageMakerEndpointConfig {
  /** The process's one SDK client (createSageMakerRuntimeClient). */
  readonly client: SageMakerRuntimeClient;
  readonly endpointName: string;
  /** On an endpoint that hosts inference components (scale to zero), the component every call names. */
  readonly inferenceComponentName?: string;
  /** Per-call limit, retries included (an AbortSignal, combined with the caller's). */
  readonly timeoutMs: number;
  /** Shared by every adapter of the same endpoint. */
  readonly circuitBreaker?: CircuitBreaker;
  /** Largest request body sent (default 6 MB, the synchronous InvokeEndpoint limit). */
  readonly maxPayloadBytes?: number;
  /** The `InferenceId` of a call (default: `diffalign-<uuid>`, new per call; ≤ 64 characters). */
  readonly inferenceId?: () => string;
}

/** One invocation's JSON answer and its id. */
export interface EndpointReply {
  readonly json: unknown;
  readonly inferenceId: string;
  /** The answer's size in bytes. */
  readonly bytes: number;
}

/**
 * One SageMaker endpoint as the adapters call it: InvokeEndpoint with a JSON body, under the per-call
 * timeout and the caller's signal, through the endpoint's circuit breaker; the SDK retries transient
 * failures (see createSageMakerRuntimeClient), and whatever still fails is translated here into the
 * ports' errors, none retryable (the retries are spent): ModelError → EndpointModelError, a body that is
 * not what `read` expects → InvalidEndpointResponseError, the timeout → EndpointTimeoutError.
 */
export class SageMakerEndpoint {
  readonly name: string;
  readonly maxPayloadBytes: number;

  constructor(private readonly config: SageMakerEndpointConfig) {
    this.name = config.endpointName;
    this.maxPayloadBytes = config.maxPayloadBytes ?? SAGEMAKER_MAX_PAYLOAD_BYTES;
  }

  /** A new inference id (one per call; a split batch suffixes it per part). */
  newInferenceId(): string {
    return (this.config.inferenceId ?? (() => `diffalign-${crypto.randomUUID()}`))().slice(0, 64);
  }

  /** Sends `body` (JSON text) and hands the parsed answer to `read`, whose errors count as the endpoint's failure. */
  async call<T>(body: string, options: { abortSignal?: AbortSignal; inferenceId?: string }, read: (reply: EndpointReply) => T): Promise<T> {
    const callerSignal = options.abortSignal;
    const inferenceId = options.inferenceId ?? this.newInferenceId();
    if (callerSignal?.aborted) throw new AbortedError(`call to ${this.label} aborted`, { cause: callerSignal.reason });
    const payload = encodeUtf8(body);
    if (payload.byteLength > this.maxPayloadBytes) {
      throw new EndpointPayloadTooLargeError({
        backend: this.label,
        bytes: payload.byteLength,
        limitBytes: this.maxPayloadBytes,
        message: `${this.label}: request of ${payload.byteLength} bytes exceeds the ${this.maxPayloadBytes}-byte synchronous payload limit`,
      });
    }
    const probe = this.config.circuitBreaker?.enter() ?? false;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timeout after ${this.config.timeoutMs} ms`));
    }, this.config.timeoutMs);
    const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let outcome: CallOutcome = 'failure';
    let failure = '';
    try {
      const output = await this.config.client.send(
        new InvokeEndpointCommand({
          EndpointName: this.name,
          ...(this.config.inferenceComponentName === undefined ? {} : { InferenceComponentName: this.config.inferenceComponentName }),
          Body: payload,
          ContentType: 'application/json',
          Accept: 'application/json',
          InferenceId: inferenceId,
        }),
        { abortSignal: controller.signal },
      );
      const bytes = output.Body?.byteLength ?? 0;
      let json: unknown;
      try {
        json = JSON.parse(decodeUtf8(output.Body ?? new Uint8Array()));
      } catch (error) {
        throw new InvalidEndpointResponseError({ backend: this.label, message: `${this.label} answered a body that is not JSON (${bytes} bytes, inference id ${inferenceId})`, cause: error });
      }
      const value = read({ json, inferenceId, bytes });
      outcome = 'success';
      return value;
    } catch (error) {
      const translated = this.translate(error, { inferenceId, timedOut, callerAborted: callerSignal?.aborted === true });
      outcome = countsAgainstEndpoint(translated) ? 'failure' : 'neutral';
      failure = translated.message;
      throw translated;
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      this.config.circuitBreaker?.settle(outcome, probe, failure);
    }
  }

  /**
   * Sends a batch as `prefix + items.join(',') + suffix`, split into consecutive calls where one call's
   * request (or its answer, by `responseBytes` bounds per item) would pass the payload limit; the calls
   * run one after another (so the endpoint sees no more than the port's concurrency) and share one
   * inference id, suffixed `.<part>` when there are several.
   */
  async callInParts<T>(
    request: { readonly prefix: string; readonly suffix: string; readonly items: readonly string[]; readonly responseBytes?: readonly number[] },
    abortSignal: AbortSignal | undefined,
    read: (reply: EndpointReply, range: readonly [number, number], inferenceId: string) => T,
  ): Promise<T[]> {
    const ranges = splitByPayload(
      request.items.map((item, index) => ({ requestBytes: utf8ByteLength(item), responseBytes: request.responseBytes?.[index] ?? 0 })),
      {
        maxRequestBytes: this.maxPayloadBytes,
        maxResponseBytes: this.maxPayloadBytes,
        requestEnvelopeBytes: utf8ByteLength(request.prefix) + utf8ByteLength(request.suffix),
        responseEnvelopeBytes: 256,
      },
    );
    const inferenceId = this.newInferenceId();
    const results: T[] = [];
    for (const [part, range] of ranges.entries()) {
      const id = ranges.length === 1 ? inferenceId : `${inferenceId.slice(0, 58)}.${part}`;
      const body = `${request.prefix}${request.items.slice(range[0], range[1]).join(',')}${request.suffix}`;
      results.push(await this.call(body, { ...(abortSignal ? { abortSignal } : {}), inferenceId: id }, (reply) => read(reply, range, id)));
    }
    return results;
  }

  private get label(): string {
    return `SageMaker endpoint ${this.name}`;
  }

  /** The ports' error for what a call threw. */
  private translate(error: unknown, context: { inferenceId: string; timedOut: boolean; callerAborted: boolean }): DiffalignError {
    const where = `${this.label} (inference id ${context.inferenceId})`;
    if (context.callerAborted) return new AbortedError(`call to ${where} aborted`, { cause: error });
    if (context.timedOut) {
      return new EndpointTimeoutError({ backend: this.label, timeoutMs: this.config.timeoutMs, message: `${where} did not answer within ${this.config.timeoutMs} ms`, cause: error });
    }
    if (error instanceof DiffalignError) return error;
    if (error instanceof ModelError || (error instanceof Error && error.name === 'ModelError')) {
      const modelError = error as ModelError;
      const original = modelError.OriginalStatusCode;
      const whose = original !== undefined && original >= 400 && original < 500 ? 'rejected the request' : 'failed';
      return new EndpointModelError({
        backend: this.label,
        message: `${where}: the model container ${whose} with status ${original ?? 'unknown'}: ${containerMessage(modelError.OriginalMessage) ?? modelError.message}`,
        ...(original === undefined ? {} : { originalStatusCode: original }),
        ...(modelError.OriginalMessage === undefined ? {} : { originalMessage: modelError.OriginalMessage }),
        ...(modelError.LogStreamArn === undefined ? {} : { logStreamArn: modelError.LogStreamArn }),
        cause: error,
      });
    }
    const status = statusOf(error);
    const name = error instanceof Error ? error.name : 'Error';
    const attempts = attemptsOf(error);
    const tries = attempts === undefined ? '' : ` after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const detail = error instanceof Error && error.message && error.message !== 'UnknownError' ? `: ${error.message}` : '';
    if (status === 413) {
      return new EndpointPayloadTooLargeError({ backend: this.label, bytes: 0, limitBytes: this.maxPayloadBytes, message: `${where} refused the payload as too large${detail}`, cause: error });
    }
    const what = status === 429 || name === 'ThrottlingException' ? 'throttled' : name === 'ModelNotReadyException' ? 'model not ready' : 'failed';
    return new BackendCallError({
      backend: this.label,
      message: `${where} ${what} (${name}${status === undefined ? '' : `, HTTP ${status}`})${tries}${detail}`,
      ...(status === undefined ? {} : { statusCode: status }),
      isRetryable: false,
      cause: error,
    });
  }
}

/**
 * What the SageMaker adapters share: the port's identity fields and one endpoint, built from the
 * adapter's config, plus the typed error for an answer in the wrong format.
 */
export abstract class SageMakerAdapter {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'sagemaker';
  protected readonly endpoint: SageMakerEndpoint;

  constructor(
    readonly modelId: string,
    config: SageMakerEndpointConfig,
  ) {
    this.endpoint = new SageMakerEndpoint(config);
  }

  /** InvalidEndpointResponseError for an answer of this endpoint, naming the call. */
  protected invalidResponse(inferenceId: string, message: string, cause?: unknown): InvalidEndpointResponseError {
    const backend = `SageMaker endpoint ${this.endpoint.name}`;
    return new InvalidEndpointResponseError({ backend, message: `${backend} (inference id ${inferenceId}): ${message}`, ...(cause === undefined ? {} : { cause }) });
  }
}

/** Whether a failure says something about the endpoint's health (the breaker counts it). */
function countsAgainstEndpoint(error: DiffalignError): boolean {
  if (error instanceof AbortedError || error instanceof EndpointPayloadTooLargeError) return false;
  if (error instanceof EndpointModelError) return error.fault === 'endpoint';
  return true;
}

/** The container's own words: the `message` of a JSON error body (the handlers' `{code, type, message}`), else the text. */
function containerMessage(original: string | undefined): string | undefined {
  if (original === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(original);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string') return (parsed as { message: string }).message;
  } catch {
    // not JSON: the text is the message
  }
  return original;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

function attemptsOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  return (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
}
