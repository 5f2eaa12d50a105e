import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_SCORER_CALIBRATION } from '../../../src/adapters/reference/index.js';
import { createSageMakerWorld, type SageMakerWorld } from '../../../src/adapters/sagemaker/index.js';
import { createApp } from '../../../src/api/app.js';
import type { GenerationRecord } from '../../../src/api/schemas/generation-record.js';
import { loadConfig } from '../../../src/config.js';
import { createReferenceEmulatorWorld, type ReferenceEmulatorWorld } from '../../../src/emulator/reference-emulator-world.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../../../src/emulator/sagemaker-emulator.js';
import type { ScorerEntry } from '../../../src/engine/generation-plan.js';
import { createDependencies } from '../../../src/runtime/create-dependencies.js';
import { loadSageMakerConfig } from '../../../src/runtime/sagemaker-config.js';
import { reproducible } from '../../support/reproducible-record.js';

type App = ReturnType<typeof createApp>;

/** Worker threads of both reference worlds (0: this thread; starting threads costs more than these small images). */
const THREADS = Number(process.env['DIFFALIGN_TEST_REFERENCE_THREADS'] ?? 0);

/** Wired dependencies to release after the tests (worker threads). */
const opened: { close(): Promise<void> }[] = [];

/** The reference backend's dependencies as `npm start` wires them (on THREADS worker threads). */
async function referenceDependencies(): Promise<ReturnType<typeof createDependencies>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'diffalign-ref-'));
  const deps = createDependencies(loadConfig({ DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_REFERENCE_THREADS: String(THREADS) }));
  opened.push(deps);
  return deps;
}

/**
 * The app as `DIFFALIGN_BACKEND=sagemaker` wires it: createDependencies' shape (store, limits, liveness)
 * with the SageMaker world's ports in place of the reference world's.
 */
async function sageMakerApp(world: SageMakerWorld, env: Record<string, string> = {}): Promise<App> {
  const dataDir = await mkdtemp(join(tmpdir(), 'diffalign-sm-'));
  const base = createDependencies(loadConfig({ DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_REFERENCE_THREADS: '0', ...env }));
  const scorers: Record<string, ScorerEntry> = {};
  for (const scorer of world.scorers) scorers[scorer.modelId] = { scorer, calibration: REFERENCE_SCORER_CALIBRATION[scorer.modelId] ?? { mean: 0, std: 1 } };
  return createApp({ ...base, generator: world.generator, scorers, rewriter: world.rewriter, chatModel: world.chatModel, defaultRewards: [{ model: world.scorers[0]!.modelId, weight: 1 }] });
}

async function generate(app: App, body: unknown): Promise<{ status: number; record: GenerationRecord }> {
  const response = await app.request('/v1/generations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, record: (await response.json()) as GenerationRecord };
}


describe('the app on the SageMaker backend against the emulator', () => {
  let reference: ReferenceEmulatorWorld;
  let emulator: SageMakerEmulator;
  let world: SageMakerWorld;
  let sameBatching: SageMakerWorld;
  let direct: Awaited<ReturnType<typeof referenceDependencies>>;
  const env = (more: Record<string, string> = {}) => ({ DIFFALIGN_SAGEMAKER_URL: emulator.url, DIFFALIGN_SM_RETRY_BASE_MS: '2', DIFFALIGN_SM_RETRY_MAX_MS: '20', ...more });

  beforeAll(async () => {
    reference = createReferenceEmulatorWorld({ threads: THREADS });
    emulator = await startSageMakerEmulator({ world: reference.world, port: 0, onClose: () => reference.close() });
    world = createSageMakerWorld(loadSageMakerConfig(env()));
    direct = await referenceDependencies();
    // the same batching as the reference generator: the trace groups candidates by generator batch
    const batching = { DIFFALIGN_SM_GENERATOR_BATCH: String(direct.generator.maxBatchSize), DIFFALIGN_SM_GENERATOR_CONCURRENCY: String(direct.generator.maxConcurrency) };
    sameBatching = createSageMakerWorld(loadSageMakerConfig(env(batching)));
    opened.push(world, sameBatching);
  });
  afterAll(async () => {
    await Promise.all(opened.map((deps) => deps.close()));
    await emulator.close();
  });

  it.each([
    [
      'zero-order search with two rewards',
      {
        prompt: 'a photo of two cats and a red umbrella',
        seed: 1234,
        width: 128,
        height: 128,
        search: { method: 'zero_order', budget: 6, neighbors: 2, search_steps: 8 },
        rewards: [{ model: 'geneval', weight: 1 }, { model: 'aesthetic', weight: 0.5 }],
      },
    ],
    [
      'OPT2I revision and best-of-n',
      { prompt: 'a photo of a purple wine glass and a black apple', seed: 3, width: 64, height: 64, steps: 10, prompt_optimization: { method: 'opt2i', rounds: 2, candidates: 3, noises: 2 }, search: { budget: 12 } },
    ],
    [
      'Promptist rewriting',
      { prompt: 'a photo of a bench', seed: 9, width: 64, height: 64, steps: 8, prompt_optimization: { method: 'promptist', candidates: 2, noises: 2 }, search: { budget: 8 }, rewards: [{ model: 'aesthetic', weight: 1 }] },
    ],
  ])('gives the same record as the reference world for the same request and seed (%s)', async (_name, body) => {
    // Act
    const local = await generate(createApp(direct), body);
    const remote = await generate(await sageMakerApp(sameBatching), body);
    // Assess
    expect(local.status).toBe(200);
    expect(remote.status).toBe(200);
    expect(remote.record.id).not.toBe(local.record.id);
    expect(reproducible(remote.record)).toEqual(reproducible(local.record));
  });

  it('answers every request of a 50-request best-of-16 run with 20% of calls throttled or failing with 5xx (seeded)', async () => {
    // Prepare
    emulator.setFaults({
      seed: 20,
      rules: [
        { fault: 'throttle', rate: 0.1 },
        { fault: 'service_unavailable', rate: 0.05 },
        { fault: 'internal_failure', rate: 0.05 },
      ],
    });
    emulator.resetCalls();
    const app = await sageMakerApp(world, { DIFFALIGN_MAX_RUNNING: '8' });
    const bodies = Array.from({ length: 50 }, (_, index) => ({
      prompt: index % 2 === 0 ? 'a photo of a red apple' : 'a photo of two dogs',
      seed: 1000 + index,
      width: 64,
      height: 64,
      steps: 4,
      search: { method: 'best_of_n', budget: 16 },
      rewards: [{ model: 'geneval', weight: 1 }],
    }));
    // Act
    const answers: { status: number; record: GenerationRecord }[] = [];
    for (let start = 0; start < bodies.length; start += 10) answers.push(...(await Promise.all(bodies.slice(start, start + 10).map((body) => generate(app, body)))));
    // Assess
    const calls = emulator.calls();
    const faulted = calls.filter((call) => call.fault !== undefined).length;
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    expect(answers.every((answer) => answer.record.status === 'succeeded' && answer.record.best !== null)).toBe(true);
    expect(faulted / calls.length).toBeGreaterThan(0.15);
    expect(faulted / calls.length).toBeLessThan(0.25);
    const scored = answers.reduce((sum, answer) => sum + answer.record.candidates.filter((candidate) => candidate.status === 'scored').length, 0);
    expect(scored).toBeGreaterThan(50 * 16 * 0.98);
    emulator.setFaults({ rules: [] });
  });
});
