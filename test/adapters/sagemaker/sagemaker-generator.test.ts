import { describe, expect, it } from 'vitest';
import { ReferenceGenerator } from '../../../src/adapters/reference/reference-generator.js';
import { CircuitBreaker } from '../../../src/adapters/sagemaker/circuit-breaker.js';
import { createSageMakerRuntimeClient } from '../../../src/adapters/sagemaker/sagemaker-client.js';
import { SageMakerGenerator } from '../../../src/adapters/sagemaker/sagemaker-generator.js';
import {
  AbortedError,
  BackendCallError,
  CircuitOpenError,
  EndpointModelError,
  EndpointPayloadTooLargeError,
  EndpointTimeoutError,
  InvalidEndpointResponseError,
} from '../../../src/ports/errors.js';
import type { GenerateItem, ImageRef } from '../../../src/ports/index.js';
import { useEmulatorHarness, type EmulatorHarness } from './emulator-harness.js';

const ENDPOINT = 'diffalign-generator';

function item(seed: number, overrides: Partial<GenerateItem> = {}): GenerateItem {
  return { prompt: 'a photo of a red car and a blue dog', noise: { terms: [{ seed, weight: 1 }] }, steps: 6, guidance: 5, width: 64, height: 64, format: 'png', ...overrides };
}

function bytesOf(image: ImageRef | undefined): Uint8Array {
  if (image?.type !== 'inline') throw new Error('expected an inline image');
  return image.data;
}

describe('SageMakerGenerator', () => {
  const harness = useEmulatorHarness();
  const generator = (overrides: Parameters<EmulatorHarness['endpoint']>[1] = {}): SageMakerGenerator =>
    new SageMakerGenerator(ENDPOINT, { ...harness.endpoint(ENDPOINT, overrides), maxBatchSize: 4, maxConcurrency: 2 });


  describe('doGenerate', () => {
    it('sends the batch as generator-v1 and returns the reference PNGs and NFEs, in order, with the inference id', async () => {
      // Prepare
      const items = [item(1), item(2, { guidance: 1, steps: 4 }), item(3, { negativePrompt: 'blurry' })];
      const expected = await new ReferenceGenerator().doGenerate({ items });
      // Act
      const result = await generator({ inferenceId: () => 'trace-1234' }).doGenerate({ items });
      // Assess
      expect(result.images.map((image) => Buffer.from(bytesOf(image.image)).toString('base64'))).toEqual(expected.images.map((image) => Buffer.from(bytesOf(image.image)).toString('base64')));
      expect(result.images.map((image) => image.nfe)).toEqual([12, 4, 12]);
      expect(result.warnings).toEqual(expected.warnings);
      expect(result.response.modelId).toBe('reference-ddim-v1');
      expect(harness.emulator.calls()).toEqual([expect.objectContaining({ endpoint: ENDPOINT, attempt: 1, inferenceId: 'trace-1234', status: 200 })]);
    });

    it.each(['throttle', 'service_unavailable', 'internal_failure', 'model_not_ready'] as const)('retries %s (the SDK, with backoff) and succeeds', async (fault) => {
      // Prepare
      harness.faults({ rules: [{ fault, endpoint: ENDPOINT, attempts: [1, 2] }] });
      // Act
      const result = await generator().doGenerate({ items: [item(7)] });
      // Assess
      expect(result.images).toHaveLength(1);
      expect(harness.emulator.calls().map((call) => [call.attempt, call.fault ?? null])).toEqual([
        [1, fault],
        [2, fault],
        [3, null],
      ]);
    });

    it('gives up after the configured attempts with a non-retryable error saying what happened', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'throttle', endpoint: ENDPOINT }] });
      // Act
      const failure = await generator().doGenerate({ items: [item(7)] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(BackendCallError);
      expect(failure).toMatchObject({ isRetryable: false, statusCode: 400 });
      expect((failure as Error).message).toMatch(/diffalign-generator .* throttled \(ThrottlingException, HTTP 400\) after 4 attempts/);
      expect(harness.emulator.calls()).toHaveLength(4);
    });

    it('maps a ModelError with a 4xx original to the caller\'s fault, not retried', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'model_error', endpoint: ENDPOINT, originalStatus: 400, message: 'guidance out of range' }] });
      // Act
      const failure = await generator().doGenerate({ items: [item(7)] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(EndpointModelError);
      expect(failure).toMatchObject({ code: 'endpoint_model_error', fault: 'caller', originalStatusCode: 400, originalMessage: 'guidance out of range', statusCode: 400, isRetryable: false });
      expect((failure as EndpointModelError).logStreamArn).toContain('/aws/sagemaker/Endpoints/diffalign-generator');
      expect((failure as Error).message).toContain('rejected the request with status 400: guidance out of range');
      expect(harness.emulator.calls()).toHaveLength(1);
    });

    it('maps a ModelError with a 5xx original to the endpoint\'s fault, not retried', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'model_error', endpoint: ENDPOINT, originalStatus: 503, message: 'CUDA out of memory' }] });
      // Act
      const failure = await generator().doGenerate({ items: [item(7)] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toMatchObject({ code: 'endpoint_model_error', fault: 'endpoint', originalStatusCode: 503, isRetryable: false });
      expect((failure as Error).message).toContain('failed with status 503: CUDA out of memory');
      expect(harness.emulator.calls()).toHaveLength(1);
    });

    it('answers a request the model container rejects (its validation) as a 4xx ModelError', async () => {
      // Act
      const failure = await generator().doGenerate({ items: [item(7, { width: 4000 })] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toMatchObject({ code: 'endpoint_model_error', fault: 'caller', originalStatusCode: 400 });
    });

    it.each([
      ['not_json', /not JSON/],
      ['wrong_shape', /not a generator-v1 response \(images/],
      ['wrong_count', /answered 1 images for 2 items/],
    ] as const)('turns a malformed body (%s) into InvalidEndpointResponseError, not a crash', async (variant, message) => {
      // Prepare
      harness.faults({ rules: [{ fault: 'malformed', endpoint: ENDPOINT, variant }] });
      // Act
      const failure = await generator().doGenerate({ items: [item(7), item(8)] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(InvalidEndpointResponseError);
      expect(failure).toMatchObject({ code: 'invalid_response', isRetryable: false });
      expect((failure as Error).message).toMatch(message);
    });

    it('cuts a hanging endpoint at its timeout', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'hang', endpoint: ENDPOINT }] });
      const started = performance.now();
      // Act
      const failure = await generator({ timeoutMs: 300 }).doGenerate({ items: [item(7)] }).catch((error: unknown) => error);
      // Assess
      const elapsed = performance.now() - started;
      expect(failure).toBeInstanceOf(EndpointTimeoutError);
      expect(failure).toMatchObject({ code: 'endpoint_timeout', timeoutMs: 300, isRetryable: false });
      expect((failure as Error).message).toMatch(/did not answer within 300 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(3000);
    });

    it('stops at once, without retrying, when the caller aborts', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'hang', endpoint: ENDPOINT }] });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('deadline')), 100);
      // Act
      const failure = await generator().doGenerate({ items: [item(7)], abortSignal: controller.signal }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(AbortedError);
      expect(harness.emulator.calls()).toHaveLength(1);
    });

    it('bounds retries by the abort signal: a backoff wait ends when the deadline fires', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'service_unavailable', endpoint: ENDPOINT }] });
      const controller = new AbortController();
      const patient = createSageMakerRuntimeClient({ endpoint: harness.emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 10, retryBaseDelayMs: 5000, retryMaxDelayMs: 5000, random: () => 0.99 });
      const withLongBackoff = new SageMakerGenerator(ENDPOINT, { ...harness.endpoint(ENDPOINT, { client: patient }), maxBatchSize: 4, maxConcurrency: 1 });
      setTimeout(() => controller.abort(new Error('deadline')), 200);
      const started = performance.now();
      // Act
      const failure = await withLongBackoff.doGenerate({ items: [item(7)], abortSignal: controller.signal }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(AbortedError);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(harness.emulator.calls()).toHaveLength(1);
      patient.destroy();
    });

    it('opens the circuit after consecutive failures and fails fast, saying so; a probe after the cool-down closes it', async () => {
      // Prepare
      let now = 1_000_000;
      const breaker = new CircuitBreaker(`SageMaker endpoint ${ENDPOINT}`, { failureThreshold: 3, cooldownMs: 10_000, now: () => now });
      const guarded = generator({ circuitBreaker: breaker });
      harness.faults({ rules: [{ fault: 'model_error', endpoint: ENDPOINT, originalStatus: 500, message: 'model crashed' }] });
      // Act
      for (let call = 0; call < 3; call += 1) await guarded.doGenerate({ items: [item(call)] }).catch(() => undefined);
      const fast = await guarded.doGenerate({ items: [item(9)] }).catch((error: unknown) => error);
      const callsWhileOpen = harness.emulator.calls().length;
      harness.faults({ rules: [] });
      now += 10_001;
      const probe = await guarded.doGenerate({ items: [item(9)] });
      // Assess
      expect(fast).toBeInstanceOf(CircuitOpenError);
      expect(fast).toMatchObject({ code: 'circuit_open', isRetryable: false });
      expect((fast as Error).message).toMatch(/circuit open for SageMaker endpoint diffalign-generator: 3 consecutive failed calls \(last: .*model crashed\)/);
      expect(callsWhileOpen).toBe(3);
      expect(probe.images).toHaveLength(1);
      expect(breaker.state).toBe('closed');
    });

    it('does not count the caller\'s own bad requests against the endpoint', async () => {
      // Prepare
      const breaker = new CircuitBreaker(`SageMaker endpoint ${ENDPOINT}`, { failureThreshold: 2 });
      harness.faults({ rules: [{ fault: 'model_error', endpoint: ENDPOINT, originalStatus: 422 }] });
      // Act
      for (let call = 0; call < 4; call += 1) await generator({ circuitBreaker: breaker }).doGenerate({ items: [item(call)] }).catch(() => undefined);
      // Assess
      expect(breaker.state).toBe('closed');
      expect(harness.emulator.calls()).toHaveLength(4);
    });

    it('splits a batch whose answer could pass the payload limit into consecutive calls sharing an inference id', async () => {
      // Prepare: a 210 kB limit holds the bounded answer of a 128x128 PNG (~67 kB) three times
      const small = generator({ maxPayloadBytes: 210_000, inferenceId: () => 'split-trace' });
      const items = [1, 2, 3, 4, 5].map((seed) => item(seed, { width: 128, height: 128 }));
      // Act
      const result = await small.doGenerate({ items });
      // Assess
      const expected = await new ReferenceGenerator().doGenerate({ items: items.slice(3) });
      expect(result.images).toHaveLength(5);
      expect(Buffer.from(bytesOf(result.images[4]?.image)).equals(Buffer.from(bytesOf(expected.images[1]?.image)))).toBe(true);
      expect(harness.emulator.calls().map((call) => call.inferenceId)).toEqual(['split-trace.0', 'split-trace.1']);
    });

    it('refuses, unsent, an item that alone passes the payload limit', async () => {
      // Act
      const failure = await generator({ maxPayloadBytes: 100 }).doGenerate({ items: [item(1)] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(EndpointPayloadTooLargeError);
      expect(harness.emulator.calls()).toHaveLength(0);
    });

    it('answers an unknown endpoint as a non-retryable failure naming it', async () => {
      // Act
      const failure = await new SageMakerGenerator('nope', { ...harness.endpoint('nope'), maxBatchSize: 1, maxConcurrency: 1 }).doGenerate({ items: [item(1)] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toMatchObject({ isRetryable: false, statusCode: 400 });
      expect((failure as Error).message).toMatch(/ValidationError, HTTP 400\).*Endpoint nope of account 000000000000 not found/);
    });
  });
});
