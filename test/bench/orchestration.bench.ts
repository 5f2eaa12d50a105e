/**
 * Orchestration benchmark: ports wrapped to take a fixed latency per batch (generator 200 ms + 50 ms per
 * image, scorer 50 ms + 5 ms per image, batch 4, concurrency 4). Compares the engine's wall time with the
 * critical-path lower bound (generation waves back to back, then scoring of the last batch).
 * Acceptance: best-of-16 within 1.15x of the bound. Exit code 1 when it is not.
 */
import { runGeneration } from '../../src/engine/index.js';
import type { GenerationPlan } from '../../src/engine/index.js';
import { FakeGenerator, FakeRewriter, FakeScorer, noiseValue, scorerEntry, testDeps, testPlan } from '../engine/fake-engine-deps.js';

const GENERATOR = { base: 200, perImage: 50, batch: 4, concurrency: 4 } as const;
const SCORER = { base: 50, perImage: 5, batch: 4, concurrency: 4 } as const;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

const generatorLatency = (size: number): number => GENERATOR.base + GENERATOR.perImage * size;
const scorerLatency = (size: number): number => SCORER.base + SCORER.perImage * size;

/** Lower bound of best-of-n: ceil(batches / concurrency) full generation waves, then the last batch's scoring. */
function bestOfNBound(images: number): number {
  const batches: number[] = [];
  for (let left = images; left > 0; left -= GENERATOR.batch) batches.push(Math.min(GENERATOR.batch, left));
  // list-schedule the batches on `concurrency` lanes (all start as early as possible)
  const lanes = new Array<number>(GENERATOR.concurrency).fill(0);
  let finish = 0;
  for (const size of batches) {
    const lane = lanes.indexOf(Math.min(...lanes));
    lanes[lane] = lanes[lane]! + generatorLatency(size);
    finish = Math.max(finish, lanes[lane]! + scorerLatency(Math.min(size, SCORER.batch)));
  }
  return finish;
}

/** Lower bound of a sequence of dependent steps (zero-order): each step's batches in parallel, then its scoring. */
function stepsBound(stepSizes: readonly number[]): number {
  return stepSizes.reduce((sum, size) => sum + bestOfNBound(size), 0);
}

function deps(scorers = 1): ReturnType<typeof testDeps> {
  const generator = new FakeGenerator({ maxBatchSize: GENERATOR.batch, maxConcurrency: GENERATOR.concurrency, latencyMs: generatorLatency });
  const entries = Object.fromEntries(
    Array.from({ length: scorers }, (_, index) => {
      const model = index === 0 ? 'alpha' : `s${index}`;
      const scorer = new FakeScorer(model, (image) => noiseValue(image.noise, model), {
        maxBatchSize: SCORER.batch,
        maxConcurrency: SCORER.concurrency,
        latencyMs: scorerLatency,
      });
      return [model, scorerEntry(scorer)];
    }),
  );
  return testDeps({ generator, scorers: entries, rewriter: new FakeRewriter() });
}

interface Case {
  readonly name: string;
  readonly plan: GenerationPlan;
  readonly scorers?: number;
  readonly bound: (stepSizes: readonly number[]) => number;
  readonly acceptance?: number;
}

const rewards = (count: number): GenerationPlan['rewards'] =>
  Array.from({ length: count }, (_, index) => ({ model: index === 0 ? 'alpha' : `s${index}`, weight: 1 }));

const cases: Case[] = [
  { name: 'best-of-16', plan: testPlan({ search: { budget: 16 } }), bound: () => bestOfNBound(16), acceptance: 1.15 },
  { name: 'best-of-32', plan: testPlan({ search: { budget: 32 } }), bound: () => bestOfNBound(32) },
  { name: 'best-of-16, 3 scorers', plan: testPlan({ plan: { rewards: rewards(3) }, search: { budget: 16 } }), scorers: 3, bound: () => bestOfNBound(16) },
  {
    name: 'zero-order 16 (N=4)',
    plan: testPlan({ search: { method: 'zero_order', budget: 16, neighbors: 4 } }),
    bound: stepsBound,
  },
  {
    name: 'promptist(k=3,m=2) + best-of (16)',
    plan: testPlan({ promptOptimization: { method: 'promptist', mode: 'on', candidates: 3, noises: 2 }, search: { budget: 16 } }),
    bound: stepsBound,
  },
];

/** Image counts of the dependent steps of a result (prompt judging rounds and search steps that wait on each other). */
function stepSizes(result: Awaited<ReturnType<typeof runGeneration>>): number[] {
  const sizes = new Map<string, number>();
  for (const candidate of result.candidates) {
    // zero-order steps and OPT2I rounds wait on each other; promptist judges all its prompts at once
    const sequential = candidate.phase === 'search' ? result.trace.some((entry) => entry.method === 'zero_order') : result.trace.some((entry) => entry.method === 'opt2i');
    const key = sequential ? `${candidate.phase}:${candidate.round}` : candidate.phase;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return [...sizes.values()];
}

let failed = false;
console.log(`generator ${GENERATOR.base} ms + ${GENERATOR.perImage} ms/image (batch ${GENERATOR.batch}, concurrency ${GENERATOR.concurrency}); scorer ${SCORER.base} ms + ${SCORER.perImage} ms/image (batch ${SCORER.batch}, concurrency ${SCORER.concurrency}); ${REPEATS} runs each`);
console.log('| case | lower bound (ms) | median (ms) | worst (ms) | median ratio | worst ratio |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const benchCase of cases) {
  const times: number[] = [];
  let bound = 0;
  for (let run = 0; run < REPEATS; run += 1) {
    const started = performance.now();
    const result = await runGeneration({ ...benchCase.plan, seed: run }, deps(benchCase.scorers));
    times.push(performance.now() - started);
    bound = benchCase.bound(stepSizes(result));
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const worst = times[times.length - 1]!;
  console.log(
    `| ${benchCase.name} | ${bound.toFixed(0)} | ${median.toFixed(1)} | ${worst.toFixed(1)} | ${(median / bound).toFixed(3)} | ${(worst / bound).toFixed(3)} |`,
  );
  if (benchCase.acceptance !== undefined && median / bound > benchCase.acceptance) {
    failed = true;
    console.log(`FAIL: ${benchCase.name} median ratio ${(median / bound).toFixed(3)} > ${benchCase.acceptance}`);
  }
}
if (failed) process.exit(1);
