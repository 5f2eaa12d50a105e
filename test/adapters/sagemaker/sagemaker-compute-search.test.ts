import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReferenceGeneratorV2 } from '../../../src/adapters/reference/reference-generator-v2.js';
import { createReferenceScorers } from '../../../src/adapters/reference/reference-scorers.js';
import { SageMakerGeneratorV2 } from '../../../src/adapters/sagemaker/sagemaker-generator-v2.js';
import { SageMakerScorer } from '../../../src/adapters/sagemaker/sagemaker-scorer.js';
import type { EngineDeps, EngineResult, SearchMethod } from '../../../src/engine/index.js';
import { runGeneration } from '../../../src/engine/index.js';
import type { GenerateItemV2 } from '../../../src/ports/index.js';
import { MemoryImageSink, testPlan } from '../../engine/fake-engine-deps.js';
import { useEmulatorHarness } from './emulator-harness.js';

const GENERATOR = 'diffalign-generator';
const SCORER = 'diffalign-scorer';
const METHODS: readonly SearchMethod[] = ['best_of_n', 'zero_order', 'preview_prune', 'paths', 'particles'];
const MODELS = ['geneval', 'aesthetic'] as const;

/** What must agree between two runs: every candidate (segments, scores, rewards, NFEs), the image bytes, the trace, the usage's NFEs. */
function recordOf(result: EngineResult, sink: MemoryImageSink): unknown {
  return {
    candidates: result.candidates.map((candidate) => ({
      ...candidate,
      url: undefined,
      image: createHash('sha256').update(sink.saved.get(candidate.id)?.bytes ?? new Uint8Array()).digest('hex'),
    })),
    best: result.best?.id,
    trace: result.trace,
    nfe: [result.usage.nfe, result.usage.searchNfe, result.usage.finalNfe, result.usage.failedNfe, result.usage.previews],
  };
}

describe('compute-aware search on the SageMaker adapters (against the emulator)', () => {
  const harness = useEmulatorHarness();
  const inProcess = (): EngineDeps & { imageSink: MemoryImageSink } => {
    const scorers = createReferenceScorers();
    return {
      generator: new ReferenceGeneratorV2(),
      scorers: Object.fromEntries(MODELS.map((model) => [model, { scorer: scorers.find((scorer) => scorer.modelId === model)!, calibration: { mean: 0, std: 1 } }])),
      imageSink: new MemoryImageSink(),
    };
  };
  const overSageMaker = (): EngineDeps & { imageSink: MemoryImageSink } => ({
    generator: new SageMakerGeneratorV2(GENERATOR, { ...harness.endpoint(GENERATOR), maxBatchSize: 4, maxConcurrency: 2 }),
    scorers: Object.fromEntries(MODELS.map((model) => [model, { scorer: new SageMakerScorer(model, { ...harness.endpoint(SCORER), maxBatchSize: 8, maxConcurrency: 2, judgesPreviews: true }), calibration: { mean: 0, std: 1 } }])),
    imageSink: new MemoryImageSink(),
  });

  for (const method of METHODS) {
    it(`runs ${method} with the same record as the in-process backend`, async () => {
      // Prepare
      const plan = testPlan({
        plan: { prompt: 'a photo of a red apple and a blue car', steps: 8, seed: 11, rewards: MODELS.map((model) => ({ model, weight: 1 })) },
        search: { method, budget: 256, budgetNfe: 160, searchSteps: method === 'best_of_n' ? 4 : 8, neighbors: 2, particles: 3, paths: 2, resampleEvery: 3, pathStart: 4 },
      });
      const local = inProcess();
      const remote = overSageMaker();

      // Act
      const expected = await runGeneration(plan, local);
      const actual = await runGeneration(plan, remote);

      // Assess
      expect(actual.candidates.length).toBeGreaterThan(2);
      expect(actual.best).not.toBeNull();
      expect(recordOf(actual, remote.imageSink)).toEqual(recordOf(expected, local.imageSink));
      const calls = harness.emulator.calls().filter((call) => call.endpoint === GENERATOR);
      expect(calls.every((call) => call.status === 200 && call.requestBytes <= 6 * 1024 * 1024 && call.responseBytes <= 6 * 1024 * 1024)).toBe(true);
    });
  }

  it('splits a batch of checkpoints into calls under the payload limit, and answers every item in order', async () => {
    // Prepare: 8 unfinished trajectories' checkpoints (~33 KB each) against a 100 kB limit
    const generator = new SageMakerGeneratorV2(GENERATOR, { ...harness.endpoint(GENERATOR, { maxPayloadBytes: 100_000 }), maxBatchSize: 8, maxConcurrency: 1 });
    const base = (seed: number): GenerateItemV2 => ({ prompt: 'a photo of a cat', noise: { terms: [{ seed, weight: 1 }] }, steps: 8, guidance: 5, width: 64, height: 64, format: 'png' });
    const first = await generator.doGenerate({ items: Array.from({ length: 4 }, (_, seed) => ({ ...base(seed), to: 3, returnLatents: true, preview: { width: 64, height: 64 } })) });
    harness.emulator.resetCalls();

    // Act
    const resumed = await generator.doGenerate({
      items: first.outputs.flatMap((output, seed) => [0, 1].map((copy) => ({ ...base(seed), from: 3, to: 6, start: output.latents!, returnLatents: true, sampler: { eta: 1, seed: copy } }))),
    });

    // Assess
    const calls = harness.emulator.calls().filter((call) => call.endpoint === GENERATOR);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      expect(call.status).toBe(200);
      expect(call.requestBytes).toBeLessThanOrEqual(100_000);
      expect(call.responseBytes).toBeLessThanOrEqual(100_000);
    }
    expect(resumed.outputs).toHaveLength(8);
    const local = new ReferenceGeneratorV2();
    const [again] = (await local.doGenerate({ items: [{ ...base(3), from: 3, to: 6, start: first.outputs[3]!.latents!, returnLatents: true, sampler: { eta: 1, seed: 1 } }] })).outputs;
    expect(resumed.outputs[7]?.latents?.data).toBe(again?.latents?.data);
    expect(resumed.outputs.every((output) => output.nfe === 6)).toBe(true);
  });

  it('sends whole schedules from noise as generator-v1, so v1-only endpoints keep serving them', async () => {
    // Prepare
    const generator = new SageMakerGeneratorV2(GENERATOR, { ...harness.endpoint(GENERATOR), maxBatchSize: 4, maxConcurrency: 1 });
    harness.faults({ rules: [{ fault: 'model_error', endpoint: GENERATOR, originalStatus: 400, message: 'generator-v2 is not spoken here', match: '"version":"generator-v2"' }] });

    // Act
    const whole = await generator.doGenerate({ items: [{ prompt: 'a photo of a dog', noise: { terms: [{ seed: 1, weight: 1 }] }, steps: 4, guidance: 5, width: 64, height: 64, format: 'png' }] });
    const partial = generator.doGenerate({ items: [{ prompt: 'a photo of a dog', noise: { terms: [{ seed: 1, weight: 1 }] }, steps: 4, guidance: 5, width: 64, height: 64, format: 'png', to: 2, returnLatents: true }] });

    // Assess
    expect(whole.outputs[0]?.image?.type).toBe('inline');
    expect(whole.outputs[0]?.nfe).toBe(8);
    await expect(partial).rejects.toMatchObject({ code: 'endpoint_model_error' });
  });
});
