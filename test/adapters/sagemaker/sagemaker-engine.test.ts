import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/adapters/sagemaker/circuit-breaker.js';
import { SageMakerGenerator } from '../../../src/adapters/sagemaker/sagemaker-generator.js';
import { SageMakerScorer } from '../../../src/adapters/sagemaker/sagemaker-scorer.js';
import { runGeneration } from '../../../src/engine/index.js';
import type { EngineDeps } from '../../../src/engine/generation-plan.js';
import { MemoryImageSink, testPlan } from '../../engine/fake-engine-deps.js';
import { useEmulatorHarness } from './emulator-harness.js';

const GENERATOR = 'diffalign-generator';

describe('the engine on the SageMaker adapters (against the emulator)', () => {
  const harness = useEmulatorHarness();
  const plan = testPlan({ plan: { prompt: 'a photo of a red apple', steps: 6, rewards: [{ model: 'geneval', weight: 1 }] }, search: { budget: 8, searchSteps: 6 } });
  const deps = (options: { breaker?: CircuitBreaker; concurrency?: number } = {}): EngineDeps => ({
    generator: new SageMakerGenerator(GENERATOR, { ...harness.endpoint(GENERATOR, options.breaker ? { circuitBreaker: options.breaker } : {}), maxBatchSize: 4, maxConcurrency: options.concurrency ?? 2 }),
    scorers: { geneval: { scorer: new SageMakerScorer('geneval', { ...harness.endpoint('diffalign-scorer'), maxBatchSize: 8, maxConcurrency: 2 }), calibration: { mean: 0, std: 1 } } },
    imageSink: new MemoryImageSink(),
  });


  it('keeps the request successful with fewer candidates when one generator batch fails on every attempt, with the failure in the result', async () => {
    // Prepare: find a seed of the second batch, then fail every call carrying it
    const clean = await runGeneration(plan, deps());
    const seed = clean.candidates[5]?.noise.terms[0]?.seed;
    harness.faults({ rules: [{ fault: 'internal_failure', endpoint: GENERATOR, match: `"seed":${seed},` }] });
    harness.emulator.resetCalls();
    // Act
    const result = await runGeneration(plan, deps());
    // Assess
    const failed = result.candidates.filter((candidate) => candidate.status === 'failed');
    expect(result.best).not.toBeNull();
    expect(result.candidates.filter((candidate) => candidate.status === 'scored')).toHaveLength(4);
    expect(failed.map((candidate) => candidate.id)).toEqual(['c004', 'c005', 'c006', 'c007']);
    expect(failed[0]?.error).toEqual({ code: 'backend_call_failed', message: expect.stringMatching(/diffalign-generator .* failed \(InternalFailure, HTTP 500\) after 4 attempts/) });
    const generatorCalls = harness.emulator.calls().filter((call) => call.endpoint === GENERATOR);
    expect(generatorCalls.filter((call) => call.fault === 'internal_failure')).toHaveLength(4);
    expect(result.usage.images).toBe(4);
  });

  it('records a ModelError on the candidates of its batch, not retried by the engine either', async () => {
    // Prepare
    harness.faults({ rules: [{ fault: 'model_error', endpoint: GENERATOR, originalStatus: 500, message: 'CUDA error', count: 1 }] });
    // Act
    const result = await runGeneration(plan, deps({ concurrency: 1 }));
    // Assess
    const failed = result.candidates.filter((candidate) => candidate.status === 'failed');
    expect(failed).toHaveLength(4);
    expect(failed[0]?.error?.code).toBe('endpoint_model_error');
    expect(failed[0]?.error?.message).toContain('failed with status 500: CUDA error');
    expect(harness.emulator.calls().filter((call) => call.endpoint === GENERATOR)).toHaveLength(2);
  });

  it('says in the result when an endpoint\'s circuit is open', async () => {
    // Prepare
    harness.faults({ rules: [{ fault: 'model_error', endpoint: GENERATOR, originalStatus: 503, message: 'no GPU' }] });
    const breaker = new CircuitBreaker(`SageMaker endpoint ${GENERATOR}`, { failureThreshold: 1, cooldownMs: 60_000 });
    // Act
    const result = await runGeneration(testPlan({ plan: { ...plan, rewards: plan.rewards }, search: { ...plan.search, budget: 16 } }), deps({ breaker, concurrency: 1 }));
    // Assess
    const codes = result.candidates.map((candidate) => candidate.error?.code);
    expect(result.best).toBeNull();
    expect(codes.slice(0, 4)).toEqual(Array(4).fill('endpoint_model_error'));
    expect(codes.slice(4)).toEqual(Array(12).fill('circuit_open'));
    expect(result.candidates[4]?.error?.message).toMatch(/^circuit open for SageMaker endpoint diffalign-generator: 1 consecutive failed calls \(last: .*no GPU\)/);
    expect(harness.emulator.calls().filter((call) => call.endpoint === GENERATOR)).toHaveLength(1);
  });
});
