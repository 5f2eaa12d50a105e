/**
 * Compute-aware search at equal NFEs on the reference world, through the real engine (runGeneration on
 * the reference generator v2 and scorers): for every strategy (best_of_n, zero_order, preview_prune,
 * paths, particles) and NFE budget, on the official GenEval prompts and on the project's own suite, the
 * image the engine returns is judged by the truth (src/reference-world/truth: GenEval's rules on the
 * scene the sampler drew, against the user's spec) and by the proxy reward it was searched with (the
 * geneval detector). Also measured: how well each scorer's preview scores rank the final images
 * (what `judgesPreviews` claims), and the orchestration overhead of checkpoints through the SageMaker
 * adapter and emulator (bytes moved per candidate, wall time over the critical path of dependent calls).
 *
 * Writes `.bench-out/compute-search.json` ({ prompts, methods: { <strategy>: [{ budget_nfe, nfe_used,
 * truth, proxy, … }] }, … }), compute-search.svg and compute-search.md to the output folder.
 *
 * Usage: tsx test/bench/compute-search.bench.ts [--prompts 24] [--budgets 40,80,160,320,640] [--methods …]
 *        [--sets official,suite] [--size 128] [--steps 20] [--correlation-prompts 12] [--overhead-prompts 3] [--out .bench-out]
 * BENCH_COMPUTE_PROMPTS sets the default prompts per set (24), so `npm run bench` stays short; `all` runs every prompt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReferenceGeneratorV2 } from '../../src/adapters/reference/reference-generator-v2.js';
import { createReferenceScorers } from '../../src/adapters/reference/reference-scorers.js';
import { CircuitBreaker } from '../../src/adapters/sagemaker/circuit-breaker.js';
import { createSageMakerRuntimeClient } from '../../src/adapters/sagemaker/sagemaker-client.js';
import { SageMakerGeneratorV2 } from '../../src/adapters/sagemaker/sagemaker-generator-v2.js';
import { SageMakerScorer } from '../../src/adapters/sagemaker/sagemaker-scorer.js';
import { createReferenceEmulatorWorld } from '../../src/emulator/reference-emulator-world.js';
import { startSageMakerEmulator } from '../../src/emulator/sagemaker-emulator.js';
import { runGeneration } from '../../src/engine/index.js';
import type { EngineDeps, GenerationPlan, SearchMethod } from '../../src/engine/index.js';
import type { GenerateOptionsV2, GenerateResultV2, GeneratorV2, ScorerV1 } from '../../src/ports/index.js';
import { generateGenevalSuite } from '../../src/reference-world/scene/geneval-suite.js';
import type { GenevalSpec } from '../../src/reference-world/scene/geneval-spec.js';
import { ReferenceWorldModel } from '../../src/reference-world/sampler/world-model.js';
import { judgeTruth } from '../../src/reference-world/truth/index.js';
import { allowManyListeners } from '../../src/runtime/allow-many-listeners.js';
import { EMULATOR_CREDENTIALS } from '../../src/runtime/sagemaker-config.js';
import { computePlot, computeTable, type ComputeCell } from './compute-search-plot.js';
import { argValue } from './bench-args.js';
import { evenlySpaced, genevalPlan } from './bench-plan.js';
import { TruthKeepingGenerator } from './compute-search-ports.js';
import { imageKey, memoScorer } from './memo-scorer.js';
import { loadGenevalPrompts } from './geneval-prompts.js';

const ALL_METHODS: readonly SearchMethod[] = ['best_of_n', 'zero_order', 'preview_prune', 'paths', 'particles'];
const TAGS = ['single_object', 'two_object', 'counting', 'colors', 'position', 'color_attr'] as const;

interface Options {
  readonly prompts: number | 'all';
  readonly budgets: number[];
  readonly methods: SearchMethod[];
  readonly sets: string[];
  readonly size: number;
  readonly steps: number;
  readonly correlationPrompts: number;
  readonly overheadPrompts: number;
  readonly out: string;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => argValue(argv, name);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const prompts = value('prompts') ?? process.env.BENCH_COMPUTE_PROMPTS ?? '24';
  return {
    prompts: prompts === 'all' ? 'all' : Math.max(1, Number(prompts)),
    budgets: (value('budgets') ?? '40,80,160,320,640').split(',').map(Number),
    methods: (value('methods') ?? ALL_METHODS.join(',')).split(',') as SearchMethod[],
    sets: (value('sets') ?? 'official,suite').split(','),
    size: Number(value('size') ?? 128),
    steps: Number(value('steps') ?? 20),
    correlationPrompts: Number(value('correlation-prompts') ?? 12),
    overheadPrompts: Number(value('overhead-prompts') ?? 3),
    out: resolve(repoRoot, value('out') ?? '.bench-out'),
  };
}

/** The request an app would send: one strategy under an NFE budget (the image budget left at its maximum), geneval as the reward. */
function planFor(method: SearchMethod, budgetNfe: number, prompt: string, seed: number, options: Options): GenerationPlan {
  return genevalPlan(
    { prompt, seed, size: options.size, steps: options.steps },
    { method: 'none', mode: 'off', rounds: 0, candidates: 0, noises: 0 },
    { method, budget: 256, budgetNfe, searchSteps: options.steps, neighbors: 4, cosine: 0.95, onStall: 'restart' },
  );
}


const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** Mean of the per-task means (GenEval's overall: tasks weigh equally). */
function taskMean<T extends { tag: string }>(rows: readonly T[], value: (row: T) => number): number {
  const means = TAGS.map((tag) => rows.filter((row) => row.tag === tag)).filter((ofTag) => ofTag.length > 0).map((ofTag) => mean(ofTag.map(value)));
  return mean(means);
}

/** Spearman's rank correlation (mid-ranks for ties); null when either side is constant. */
function spearman(left: readonly number[], right: readonly number[]): number | null {
  const ranks = (values: readonly number[]): number[] => {
    const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
    const out = new Array<number>(values.length).fill(0);
    for (let start = 0; start < order.length; ) {
      let end = start;
      while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end += 1;
      for (let position = start; position <= end; position += 1) out[order[position]!.index] = (start + end) / 2;
      start = end + 1;
    }
    return out;
  };
  const a = ranks(left);
  const b = ranks(right);
  const meanA = mean(a);
  const meanB = mean(b);
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  a.forEach((value, index) => {
    covariance += (value - meanA) * (b[index]! - meanB);
    varianceA += (value - meanA) ** 2;
    varianceB += (b[index]! - meanB) ** 2;
  });
  return varianceA === 0 || varianceB === 0 ? null : covariance / Math.sqrt(varianceA * varianceB);
}

interface Outcome {
  readonly tag: string;
  readonly correct: boolean;
  readonly promised: boolean;
  readonly proxy: number;
  readonly nfeUsed: number;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const official = loadGenevalPrompts();
  const setSpecs: Record<string, GenevalSpec[]> = {
    official: official.source === 'official' ? official.specs : [],
    suite: generateGenevalSuite(),
  };
  if (official.source !== 'official') console.log('the official GenEval metadata is not available: the official set is skipped');
  const sets = options.sets.filter((set) => (setSpecs[set]?.length ?? 0) > 0);
  const inner = new ReferenceGeneratorV2();
  const truthWorld = new ReferenceWorldModel({ mixtureCacheSize: 8 });
  const referenceScorers = createReferenceScorers();
  const scorerOf = (model: string): ScorerV1 => referenceScorers.find((scorer) => scorer.modelId === model)!;
  console.log(
    `${options.size}x${options.size}, ${options.steps} steps, guidance 5 (${options.steps * 2} NFEs a full image); reward geneval (rank); NFE budgets ${options.budgets.join(', ')}; strategies ${options.methods.join(', ')}`,
  );
  const started = performance.now();
  const cells: ComputeCell[] = [];
  const promptCounts: Record<string, number> = {};
  let ran = 0;
  for (const set of sets) {
    const specs = evenlySpaced(setSpecs[set]!, options.prompts);
    promptCounts[set] = specs.length;
    const outcomes = new Map<string, Outcome[]>();
    for (const [index, spec] of specs.entries()) {
      const prompt = spec.prompt ?? '';
      // fresh memo per prompt: budgets and strategies share their segments, caches stay small
      const generator = new TruthKeepingGenerator(inner, truthWorld);
      const scorers = { geneval: { scorer: memoScorer(scorerOf('geneval')), calibration: { mean: 0, std: 1 } } };
      for (const method of options.methods) {
        for (const budgetNfe of options.budgets) {
          const saved = new Map<string, string>();
          const deps: EngineDeps = {
            generator,
            scorers,
            imageSink: { save: async (candidateId, image) => (saved.set(candidateId, imageKey(image.bytes)), { url: `memory://${candidateId}` }) },
            allowManyListeners,
          };
          const result = await runGeneration(planFor(method, budgetNfe, prompt, index, options), deps);
          const best = result.best;
          const truth = best ? generator.truths.get(saved.get(best.id) ?? '') : undefined;
          if (best && !truth) throw new Error(`no truth for the returned image ${best.id} (${method}, ${budgetNfe} NFEs)`);
          const key = `${method}/${budgetNfe}`;
          outcomes.set(key, [
            ...(outcomes.get(key) ?? []),
            {
              tag: spec.tag ?? 'unknown',
              correct: truth !== undefined && judgeTruth(spec, truth).correct,
              promised: (best?.scores.geneval ?? 0) >= 1 - 1e-9,
              proxy: best?.scores.geneval ?? 0,
              nfeUsed: result.usage.nfe + result.usage.failedNfe,
            },
          ]);
        }
      }
      ran += generator.ran;
      if ((index + 1) % 4 === 0 || index + 1 === specs.length) console.log(`  ${set}: ${index + 1}/${specs.length} prompts, ${((performance.now() - started) / 1000).toFixed(0)} s, ${ran} segments run`);
    }
    for (const method of options.methods) {
      for (const budgetNfe of options.budgets) {
        const rows = outcomes.get(`${method}/${budgetNfe}`) ?? [];
        const truth = taskMean(rows, (row) => (row.correct ? 1 : 0));
        const promised = taskMean(rows, (row) => (row.promised ? 1 : 0));
        cells.push({ set, method, budgetNfe, nfeUsed: mean(rows.map((row) => row.nfeUsed)), truth, proxy: mean(rows.map((row) => row.proxy)), promised, gap: promised - truth });
      }
    }
  }
  for (const cell of cells) {
    console.log(
      `${cell.set.padEnd(8)} ${cell.method.padEnd(13)} ${String(cell.budgetNfe).padStart(4)} NFE (used ${cell.nfeUsed.toFixed(0).padStart(4)}): truth ${cell.truth.toFixed(3)}  proxy ${cell.proxy.toFixed(3)}  promised ${cell.promised.toFixed(3)}  gap ${cell.gap >= 0 ? '+' : ''}${cell.gap.toFixed(3)}`,
    );
  }
  const correlation = await previewCorrelation(inner, referenceScorers, setSpecs[sets[0] ?? 'suite'] ?? [], options);
  console.log('\npreview scores against final scores (Spearman over 8 noises a prompt, mean over prompts):');
  for (const entry of correlation) console.log(`  ${entry.model.padEnd(17)} preview at step ${String(entry.step).padStart(2)}: ${entry.spearman === null ? 'n/a' : entry.spearman.toFixed(3)} (${entry.prompts} prompts)`);
  const overhead = await checkpointOverhead(setSpecs[sets[0] ?? 'suite'] ?? [], options);
  console.log('\norchestration through the SageMaker adapter and emulator (budget 320 NFEs):');
  for (const entry of overhead) {
    console.log(
      `  ${entry.method.padEnd(13)} ${entry.bytesPerCandidate.toFixed(0).padStart(7)} B moved per candidate (checkpoints ${entry.checkpointBytesPerCandidate.toFixed(0)} B), wall / critical path ${entry.wallOverCritical.toFixed(2)}, wall over the emulator / in-process ${entry.wallOverInProcess.toFixed(2)}`,
    );
  }
  const totalSeconds = (performance.now() - started) / 1000;
  console.log(`\ntotal ${totalSeconds.toFixed(0)} s`);
  const table = computeTable(cells, sets, options.methods, options.budgets);
  console.log(`\n${table}`);
  const methods = Object.fromEntries(
    options.methods.map((method) => [
      method,
      cells
        .filter((cell) => cell.method === method)
        .map((cell) => ({ set: cell.set, budget_nfe: cell.budgetNfe, nfe_used: cell.nfeUsed, truth: cell.truth, proxy: cell.proxy, promised: cell.promised, gap: cell.gap })),
    ]),
  );
  mkdirSync(options.out, { recursive: true });
  const subtitle = sets.map((set) => `${promptCounts[set]} prompts of the ${set === 'official' ? 'official GenEval set' : "project's suite"}`).join(', ') + `; ${options.size}px, ${options.steps} steps, guidance 5`;
  writeFileSync(
    join(options.out, 'compute-search.json'),
    `${JSON.stringify({ prompts: promptCounts, options, methods, preview_correlation: correlation, overhead, seconds: totalSeconds }, null, 2)}\n`,
  );
  writeFileSync(join(options.out, 'compute-search.svg'), computePlot(cells, sets, options.methods, options.budgets, subtitle));
  writeFileSync(join(options.out, 'compute-search.md'), `${table}\n`);
  console.log(`\nwrote ${join(options.out, 'compute-search.json')}, compute-search.svg, compute-search.md`);
}

/** How well each reference scorer's preview scores (x̂₀ at a step, 64 px) rank the final images of 8 noises a prompt. */
async function previewCorrelation(generator: ReferenceGeneratorV2, scorers: readonly ScorerV1[], specs: readonly GenevalSpec[], options: Options): Promise<{ model: string; step: number; spearman: number | null; prompts: number }[]> {
  const chosen = evenlySpaced(specs, options.correlationPrompts);
  const steps = [Math.round(options.steps / 4), Math.round(options.steps / 2)];
  const results: { model: string; step: number; spearman: number | null; prompts: number }[] = [];
  const perPrompt = new Map<string, number[]>();
  for (const spec of chosen) {
    const prompt = spec.prompt ?? '';
    const base = (seed: number) => ({ prompt, noise: { terms: [{ seed, weight: 1 }] }, steps: options.steps, guidance: 5, width: options.size, height: options.size, format: 'png' as const });
    const seeds = Array.from({ length: 8 }, (_, index) => 1000 + index);
    const finals = await Promise.all(seeds.map(async (seed) => (await generator.doGenerate({ items: [base(seed)] })).outputs[0]!.image!));
    for (const step of steps) {
      const previews = await Promise.all(seeds.map(async (seed) => (await generator.doGenerate({ items: [{ ...base(seed), to: step, preview: { width: 64, height: 64 } }] })).outputs[0]!.image!));
      for (const scorer of scorers) {
        const final = (await scorer.doScore({ items: finals.map((image) => ({ prompt, image })) })).scores;
        const early = (await scorer.doScore({ items: previews.map((image) => ({ prompt, image })) })).scores;
        if (final.some((value) => value === null) || early.some((value) => value === null)) continue;
        const rho = spearman(early as number[], final as number[]);
        if (rho === null) continue;
        const key = `${scorer.modelId}/${step}`;
        perPrompt.set(key, [...(perPrompt.get(key) ?? []), rho]);
      }
    }
  }
  for (const scorer of scorers) {
    for (const step of steps) {
      const values = perPrompt.get(`${scorer.modelId}/${step}`) ?? [];
      results.push({ model: scorer.modelId, step, spearman: values.length > 0 ? mean(values) : null, prompts: values.length });
    }
  }
  return results;
}

/** A generator that times its calls and follows checkpoints back to the call that made them: the critical path of dependent calls. */
class CriticalPathGenerator implements GeneratorV2 {
  readonly specificationVersion = 'v2' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  private readonly chainOf = new Map<string, number>();
  critical = 0;

  constructor(private readonly inner: GeneratorV2) {
    this.provider = inner.provider;
    this.modelId = inner.modelId;
    this.maxBatchSize = inner.maxBatchSize;
    this.maxConcurrency = inner.maxConcurrency;
  }

  async doGenerate(options: GenerateOptionsV2): Promise<GenerateResultV2> {
    const started = performance.now();
    const result = await this.inner.doGenerate(options);
    const ms = performance.now() - started;
    result.outputs.forEach((output, index) => {
      const start = options.items[index]?.start;
      const chain = ms + (start ? (this.chainOf.get(start.data) ?? 0) : 0);
      if (output.latents) this.chainOf.set(output.latents.data, chain);
      if (!output.preview) this.critical = Math.max(this.critical, chain);
    });
    return result;
  }
}

/** Bytes moved per candidate and wall time over the critical path, each strategy through the SageMaker adapter and emulator. */
async function checkpointOverhead(specs: readonly GenevalSpec[], options: Options): Promise<{ method: string; bytesPerCandidate: number; checkpointBytesPerCandidate: number; wallOverCritical: number; wallOverInProcess: number }[]> {
  const reference = createReferenceEmulatorWorld({ threads: 0 });
  const emulator = await startSageMakerEmulator({ world: reference.world, port: 0, onClose: () => reference.close() });
  const client = createSageMakerRuntimeClient({ endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 4 });
  const endpoint = (endpointName: string) => ({ client, endpointName, timeoutMs: 60_000, circuitBreaker: new CircuitBreaker(endpointName, { failureThreshold: 1000 }) });
  const chosen = evenlySpaced(specs, options.overheadPrompts);
  const results = [];
  try {
    for (const method of options.methods) {
      let bytes = 0;
      let checkpointBytes = 0;
      let candidates = 0;
      const ratios: number[] = [];
      const versusLocal: number[] = [];
      for (const [index, spec] of chosen.entries()) {
        const plan = planFor(method, 320, spec.prompt ?? '', index, options);
        const local = new CriticalPathGenerator(new ReferenceGeneratorV2());
        const localScorers = { geneval: { scorer: createReferenceScorers()[0]!, calibration: { mean: 0, std: 1 } } };
        const localStart = performance.now();
        await runGeneration(plan, { generator: local, scorers: localScorers, imageSink: { save: async (id) => ({ url: `memory://${id}` }) }, allowManyListeners });
        const localMs = performance.now() - localStart;
        const generator = new CriticalPathGenerator(new SageMakerGeneratorV2('diffalign-generator', { ...endpoint('diffalign-generator'), maxBatchSize: 4, maxConcurrency: 2 }));
        const scorer = new SageMakerScorer('geneval', { ...endpoint('diffalign-scorer'), maxBatchSize: 8, maxConcurrency: 2, judgesPreviews: true });
        emulator.resetCalls();
        const remoteStart = performance.now();
        const result = await runGeneration(plan, { generator, scorers: { geneval: { scorer, calibration: { mean: 0, std: 1 } } }, imageSink: { save: async (id) => ({ url: `memory://${id}` }) }, allowManyListeners });
        const wall = performance.now() - remoteStart;
        const calls = emulator.calls().filter((call) => call.endpoint === 'diffalign-generator');
        bytes += calls.reduce((sum, call) => sum + call.requestBytes + call.responseBytes, 0);
        // a checkpoint travels twice: answered by one call, sent back by the next
        checkpointBytes += result.candidates.reduce((sum, candidate) => sum + 2 * (candidate.segment?.checkpointChars ?? 0), 0);
        candidates += result.candidates.length;
        if (generator.critical > 0) ratios.push(wall / generator.critical);
        versusLocal.push(wall / localMs);
      }
      results.push({ method, bytesPerCandidate: bytes / Math.max(1, candidates), checkpointBytesPerCandidate: checkpointBytes / Math.max(1, candidates), wallOverCritical: mean(ratios), wallOverInProcess: mean(versusLocal) });
    }
  } finally {
    client.destroy();
    await emulator.close();
  }
  return results;
}

await main();
