/**
 * Benchmark of the reference world (`npm run bench reference-world`, or
 * `tsx test/bench/reference-world.bench.ts [--prompts N] [--workers N] [--generated] [--seeds 32] [--agreement-seeds 2] [--speed-only]
 * [--method-prompts N|all] [--no-methods]`).
 * Judges with the truth (src/reference-world/truth: the scene the sampler drew), never with a reward model, and prints:
 * - generator speed: ms per 512² image at 20 steps, guidance 5, on one core (new prompt and cached prompt);
 * - scorer speed: ms per 512² image for each reference scorer;
 * - raw per-task GenEval accuracy (one image per prompt, seed = prompt index) against SD-XL's (Ghosh et al. 2023);
 * - per-prompt success probability over `--seeds` seeds: its spread within each task, the share of
 *   multi-object prompts below 0.05, and the oracle best-of-`--seeds` (a prompt counts when any seed succeeds);
 * - the `geneval` reward's per-image agreement with the truth (its verdict = the truth's verdict), on
 *   `--agreement-seeds` images per prompt, with its false-pass and false-fail rates;
 * - distinct images per prompt over 300 seeds (distinct 64-bit difference hashes of 256² images);
 * - locality (how often a neighbour cos θ·pivot + sin θ·ε lands on the pivot's scene and verdict) and
 *   the accuracy at other steps and guidance scales;
 * and writes `.bench-out/reference-world.json`:
 * `{ prompts, raw: { <task>: acc, …, overall }, oracle_best_of_32, share_multi_object_below_0_05, reward_truth_agreement, distinct_images_per_prompt }`.
 * Then, on the same prompt set, it runs the alignment methods through the engine (quality.ts, in its own
 * process): truth accuracy and proxy reward at budgets 1–32 for best-of-n, zero-order, Promptist + search
 * and OPT2I + search, the reward-hacking gap and a plot (`.bench-out/quality.svg`, `.md`, `.json`;
 * `quality-suite.*` on the suite), on `--method-prompts` prompts (default 100, or `--prompts` when fewer).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { ReferenceGenerator } from '../../src/adapters/reference/reference-generator.js';
import { createReferenceScorers } from '../../src/adapters/reference/reference-scorers.js';
import type { GenerateItem, NoiseRecipe, ScorerV1 } from '../../src/ports/index.js';
import type { GenevalSpec } from '../../src/reference-world/scene/geneval-spec.js';
import { generateGenevalSuite } from '../../src/reference-world/scene/geneval-suite.js';
import { ReferenceWorldModel } from '../../src/reference-world/sampler/world-model.js';
import { judgeTruth, truthOfSample } from '../../src/reference-world/truth/index.js';
import { loadGenevalPrompts } from './geneval-prompts.js';
import { SDXL_GENEVAL, SDXL_GENEVAL_OVERALL } from './geneval-targets.js';
import { argValue } from './bench-args.js';
import { evenlySpacedIndices } from './bench-plan.js';

const TAGS = ['single_object', 'two_object', 'counting', 'colors', 'position', 'color_attr'] as const;
const MULTI_OBJECT_TAGS: readonly string[] = ['two_object', 'counting', 'position', 'color_attr'];
const ANGLES = [5, 10, 20, 30, 45, 60, 90] as const;
const GUIDANCE_SWEEP = [1, 3, 7.5] as const;
const STEPS_SWEEP = [1, 2, 4, 8] as const;
/** Seed of prompt i's k-th image: i + k·SEED_STRIDE (k = 0 is the raw image). */
const SEED_STRIDE = 100_003;
const DISTINCT_SEEDS = 300;
const SIZE = 512;

/** One unit of work a worker does. */
type Task =
  | { readonly kind: 'prompt'; readonly index: number; readonly spec: GenevalSpec; readonly seeds: number; readonly agreementSeeds: number }
  | { readonly kind: 'locality'; readonly index: number; readonly spec: GenevalSpec; readonly pivotSeed: number; readonly neighbours: number }
  | { readonly kind: 'sweep'; readonly index: number; readonly spec: GenevalSpec; readonly guidance: number; readonly steps: number }
  | { readonly kind: 'distinct'; readonly index: number; readonly prompt: string; readonly seeds: number };

/** What a worker sends back for one task. */
type TaskResult =
  | { readonly kind: 'prompt'; readonly index: number; readonly successes: boolean[]; readonly modes: string[]; readonly rewardPass: boolean[]; readonly truthPass: boolean[] }
  | { readonly kind: 'locality'; readonly index: number; readonly sameScene: Record<number, number>; readonly sameVerdict: Record<number, number>; readonly total: number }
  | { readonly kind: 'sweep'; readonly index: number; readonly tag: string; readonly guidance: number; readonly steps: number; readonly correct: boolean }
  | { readonly kind: 'distinct'; readonly index: number; readonly distinct: number };

/** An item at the benchmark's defaults. */
function defaultItem(prompt: string, noise: NoiseRecipe, size = SIZE): GenerateItem {
  return { prompt, noise, steps: 20, guidance: 5, width: size, height: size, format: 'png' };
}

/** A single-seed recipe. */
const seedRecipe = (seed: number): NoiseRecipe => ({ terms: [{ seed: seed >>> 0, weight: 1 }] });

/** The 64-bit difference hash (dHash) of an RGB image: 9×8 grey thumbnail, one bit per horizontal step. */
async function differenceHash(rgb: Uint8Array, width: number, height: number): Promise<string> {
  const grey = await sharp(rgb, { raw: { width, height, channels: 3 } }).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = '';
  for (let row = 0; row < 8; row += 1) for (let column = 0; column < 8; column += 1) bits += (grey[row * 9 + column] ?? 0) > (grey[row * 9 + column + 1] ?? 0) ? '1' : '0';
  return bits;
}

/** Runs tasks in this thread. */
async function runTasks(tasks: readonly Task[], report: (result: TaskResult) => void): Promise<void> {
  const world = new ReferenceWorldModel({ mixtureCacheSize: 4 });
  const generator = new ReferenceGenerator({ mixtureCacheSize: 4 });
  const geneval = createReferenceScorers().find((scorer) => scorer.modelId === 'geneval');
  if (geneval === undefined) throw new Error('no geneval scorer');
  const truthCorrect = async (spec: GenevalSpec, item: GenerateItem): Promise<{ correct: boolean; dominantIndex: number; modeKind: string }> => {
    const sample = await world.sample(item);
    return { correct: judgeTruth(spec, truthOfSample(world, sample, item.width, item.height)).correct, dominantIndex: sample.dominantIndex, modeKind: sample.modeKind };
  };
  for (const task of tasks) {
    if (task.kind === 'prompt') {
      const prompt = task.spec.prompt ?? '';
      const successes: boolean[] = [];
      const modes: string[] = [];
      const rewardPass: boolean[] = [];
      const truthPass: boolean[] = [];
      for (let k = 0; k < task.seeds; k += 1) {
        const item = defaultItem(prompt, seedRecipe(task.index + k * SEED_STRIDE));
        const truth = await truthCorrect(task.spec, item);
        successes.push(truth.correct);
        modes.push(truth.modeKind);
        if (k < task.agreementSeeds) {
          const { png } = await generator.sample(item);
          const verdict = await rewardVerdict(geneval, prompt, png);
          rewardPass.push(verdict);
          truthPass.push(truth.correct);
        }
      }
      report({ kind: 'prompt', index: task.index, successes, modes, rewardPass, truthPass });
    } else if (task.kind === 'sweep') {
      const item = { ...defaultItem(task.spec.prompt ?? '', seedRecipe(task.index)), guidance: task.guidance, steps: task.steps };
      report({ kind: 'sweep', index: task.index, tag: task.spec.tag ?? 'untagged', guidance: task.guidance, steps: task.steps, correct: (await truthCorrect(task.spec, item)).correct });
    } else if (task.kind === 'locality') {
      const prompt = task.spec.prompt ?? '';
      const pivot = await truthCorrect(task.spec, defaultItem(prompt, seedRecipe(task.pivotSeed)));
      const sameScene: Record<number, number> = {};
      const sameVerdict: Record<number, number> = {};
      for (const degrees of ANGLES) {
        const theta = (degrees * Math.PI) / 180;
        for (let n = 0; n < task.neighbours; n += 1) {
          const newSeed = (task.pivotSeed * 31 + 7919 * (n + 1) + degrees * 104_729) >>> 0;
          const recipe: NoiseRecipe = { terms: [{ seed: task.pivotSeed, weight: Math.cos(theta) }, { seed: newSeed, weight: Math.sin(theta) }] };
          const neighbour = await truthCorrect(task.spec, defaultItem(prompt, recipe));
          if (neighbour.dominantIndex === pivot.dominantIndex) sameScene[degrees] = (sameScene[degrees] ?? 0) + 1;
          if (neighbour.correct === pivot.correct) sameVerdict[degrees] = (sameVerdict[degrees] ?? 0) + 1;
        }
      }
      report({ kind: 'locality', index: task.index, sameScene, sameVerdict, total: task.neighbours });
    } else {
      const hashes = new Set<string>();
      for (let seed = 0; seed < task.seeds; seed += 1) {
        const sample = await world.sample(defaultItem(task.prompt, seedRecipe(seed * 7 + 1), 256));
        hashes.add(await differenceHash(await world.render(sample, 256, 256), 256, 256));
      }
      report({ kind: 'distinct', index: task.index, distinct: hashes.size });
    }
  }
}

/** Whether the geneval reward passes an image (score 1: every constraint it checks holds). */
async function rewardVerdict(scorer: ScorerV1, prompt: string, png: Uint8Array): Promise<boolean> {
  const result = await scorer.doScore({ items: [{ prompt, image: { type: 'inline', mediaType: 'image/png', data: png } }] });
  return (result.scores[0] ?? 0) >= 1 - 1e-9;
}

/** Spreads tasks over worker threads (longest first, each worker takes the next) and collects every result. */
async function runParallel(tasks: readonly Task[], workers: number, onProgress: (done: number) => void): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  const report = (result: TaskResult): void => {
    results.push(result);
    onProgress(results.length);
  };
  if (workers <= 1) {
    await runTasks(tasks, report);
    return results;
  }
  const shares: Task[][] = Array.from({ length: workers }, () => []);
  tasks.forEach((task, index) => shares[index % workers]?.push(task));
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolvePromise, reject) => {
          // Workers do not inherit tsx's loader: register it first, then load this file in worker mode.
          const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
          const worker = new Worker(bootstrap, { eval: true, workerData: share });
          worker.on('message', report);
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`worker exited with ${code}`))));
        }),
    ),
  );
  return results;
}

/** Milliseconds of an async call. */
async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await call();
  return { value, ms: performance.now() - start };
}

/** The q-quantile of numbers (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? Number.NaN;
}

/** Formats a fraction with 3 decimals. */
function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}

/** The value of `--name N` (or `--name=N`), else the fallback. */
function option(args: readonly string[], name: string, fallback: string | undefined): string | undefined {
  return argValue(args, name) ?? fallback;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const workers = Math.max(1, Number(option(args, 'workers', process.env.BENCH_WORKERS) ?? Math.min(2, availableParallelism())));
  const seeds = Math.max(1, Number(option(args, 'seeds', '32')));
  const agreementSeeds = Math.max(1, Number(option(args, 'agreement-seeds', '2')));
  const loaded = args.includes('--generated') ? { source: 'generated' as const, path: undefined, specs: generateGenevalSuite() } : loadGenevalPrompts();
  const promptCount = Number(option(args, 'prompts', process.env.BENCH_PROMPTS ?? String(loaded.specs.length)));
  const chosen = evenlySpacedIndices(loaded.specs.length, Math.max(1, promptCount)).map((index) => ({ item: loaded.specs[index]!, index }));
  const source = loaded.source === 'official' ? 'official' : 'suite';
  console.log(`reference world benchmark: ${chosen.length} of ${loaded.specs.length} GenEval prompts (${source}${loaded.path ? `, ${loaded.path}` : ''}), ${seeds} seeds per prompt, ${workers} worker(s), judged by the truth`);

  // 1. Generator speed, one core (libvips on one thread too).
  sharp.concurrency(1);
  const generator = new ReferenceGenerator();
  const timingPrompts = chosen.slice(0, 12).map(({ item }) => item.prompt ?? '');
  const cold: number[] = [];
  const pngs: { prompt: string; png: Uint8Array }[] = [];
  for (const [index, prompt] of timingPrompts.entries()) {
    const { value, ms } = await timed(() => generator.sample(defaultItem(prompt, seedRecipe(900 + index))));
    cold.push(ms);
    pngs.push({ prompt, png: value.png });
  }
  const warm: number[] = [];
  for (const [index, prompt] of timingPrompts.entries()) {
    for (let seed = 0; seed < 2; seed += 1) warm.push((await timed(() => generator.sample(defaultItem(prompt, seedRecipe(1000 + index * 2 + seed))))).ms);
  }
  console.log('\ngenerator, 512x512, 20 steps, guidance 5 (NFE 40), one core:');
  console.log(`  new prompt (mixture built, prototypes rendered): median ${quantile(cold, 0.5).toFixed(1)} ms`);
  console.log(`  cached prompt (new seed):                         median ${quantile(warm, 0.5).toFixed(1)} ms   (target <= 150 ms)`);
  const scorerMs: Record<string, number> = {};
  console.log('\nscorers, ms per 512x512 image (one at a time):');
  for (const scorer of createReferenceScorers()) {
    await scorer.doScore({ items: [{ prompt: pngs[0]?.prompt ?? '', image: { type: 'inline', mediaType: 'image/png', data: pngs[0]?.png ?? new Uint8Array() } }] });
    const times: number[] = [];
    for (const { prompt, png } of pngs) times.push((await timed(() => scorer.doScore({ items: [{ prompt, image: { type: 'inline', mediaType: 'image/png', data: png } }] }))).ms);
    scorerMs[scorer.modelId] = quantile(times, 0.5);
    console.log(`  ${scorer.modelId.padEnd(18)} median ${quantile(times, 0.5).toFixed(1)} ms`);
  }
  sharp.concurrency(0);
  if (args.includes('--speed-only')) return;

  // 2. Truth statistics, reward agreement, locality, sweeps, distinct images.
  const promptTasks: Task[] = chosen.map(({ item, index }) => ({ kind: 'prompt', index, spec: item, seeds, agreementSeeds }));
  const multi = chosen.filter(({ item }) => MULTI_OBJECT_TAGS.includes(item.tag ?? ''));
  const localityTasks: Task[] = multi.filter((_, k) => k % Math.max(1, Math.floor(multi.length / 40)) === 0).slice(0, 40).map(({ item, index }) => ({ kind: 'locality', index, spec: item, pivotSeed: 700_000 + index, neighbours: 4 }));
  const sweepTasks: Task[] = [];
  for (const { item, index } of chosen.filter((_, k) => k % 4 === 0)) {
    for (const guidance of GUIDANCE_SWEEP) sweepTasks.push({ kind: 'sweep', index, spec: item, guidance, steps: 20 });
    for (const steps of STEPS_SWEEP) sweepTasks.push({ kind: 'sweep', index, spec: item, guidance: 5, steps });
  }
  const distinctPrompts = TAGS.map((tag) => chosen.find(({ item }) => item.tag === tag)).filter((entry): entry is { item: GenevalSpec; index: number } => entry !== undefined);
  const distinctTasks: Task[] = distinctPrompts.map(({ item, index }) => ({ kind: 'distinct', index, prompt: item.prompt ?? '', seeds: DISTINCT_SEEDS }));
  const tasks = [...distinctTasks, ...promptTasks, ...localityTasks, ...sweepTasks];
  const started = performance.now();
  const results = await runParallel(tasks, workers, (done) => {
    if (done % 50 === 0) console.log(`  ${done}/${tasks.length} tasks, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  });
  const elapsed = (performance.now() - started) / 1000;

  const byIndex = new Map<number, Extract<TaskResult, { kind: 'prompt' }>>();
  for (const result of results) if (result.kind === 'prompt') byIndex.set(result.index, result);
  const perTag = new Map<string, { raw: number; oracle: number; probabilities: number[] }>();
  const modeCounts: Record<string, number> = {};
  let agree = 0;
  let judged = 0;
  let falsePass = 0;
  let falseFail = 0;
  for (const { item, index } of chosen) {
    const result = byIndex.get(index);
    if (result === undefined) continue;
    const entry = perTag.get(item.tag ?? 'untagged') ?? { raw: 0, oracle: 0, probabilities: [] };
    entry.raw += result.successes[0] ? 1 : 0;
    entry.oracle += result.successes.some(Boolean) ? 1 : 0;
    entry.probabilities.push(result.successes.filter(Boolean).length / result.successes.length);
    perTag.set(item.tag ?? 'untagged', entry);
    for (const mode of result.modes) modeCounts[mode] = (modeCounts[mode] ?? 0) + 1;
    result.rewardPass.forEach((pass, k) => {
      judged += 1;
      if (pass === result.truthPass[k]) agree += 1;
      else if (pass) falsePass += 1;
      else falseFail += 1;
    });
  }
  const rows = TAGS.filter((tag) => perTag.has(tag)).map((tag) => {
    const entry = perTag.get(tag) ?? { raw: 0, oracle: 0, probabilities: [] };
    const count = entry.probabilities.length;
    return { tag, count, raw: entry.raw / count, oracle: entry.oracle / count, probabilities: entry.probabilities };
  });
  const overallRaw = rows.reduce((sum, row) => sum + row.raw, 0) / Math.max(1, rows.length);
  const overallOracle = rows.reduce((sum, row) => sum + row.oracle, 0) / Math.max(1, rows.length);
  const multiProbabilities = rows.filter((row) => MULTI_OBJECT_TAGS.includes(row.tag)).flatMap((row) => row.probabilities);
  const shareBelow = multiProbabilities.filter((probability) => probability < 0.05).length / Math.max(1, multiProbabilities.length);
  const agreement = agree / Math.max(1, judged);
  const distinct = results.filter((result): result is Extract<TaskResult, { kind: 'distinct' }> => result.kind === 'distinct');
  const distinctMean = distinct.reduce((sum, result) => sum + result.distinct, 0) / Math.max(1, distinct.length);

  console.log(`\nGenEval with the truth (${source} prompts, n = ${chosen.length}, 512x512, 20 steps, guidance 5; ${elapsed.toFixed(0)} s on ${workers} worker(s)):`);
  console.log(`  ${'task'.padEnd(14)} ${'n'.padStart(4)}  ${'raw'.padStart(6)}  ${'SD-XL'.padStart(6)}  ${`oracle@${seeds}`.padStart(10)}  per-prompt success p10/p25/p50/p75/p90   share < 0.05`);
  for (const row of rows) {
    const spread = [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => quantile(row.probabilities, q).toFixed(2)).join('/');
    console.log(`  ${row.tag.padEnd(14)} ${String(row.count).padStart(4)}  ${fixed(row.raw).padStart(6)}  ${(SDXL_GENEVAL[row.tag] ?? Number.NaN).toFixed(2).padStart(6)}  ${fixed(row.oracle).padStart(10)}  ${spread.padEnd(38)} ${fixed(row.probabilities.filter((p) => p < 0.05).length / row.probabilities.length)}`);
  }
  console.log(`  ${'overall'.padEnd(14)} ${String(chosen.length).padStart(4)}  ${fixed(overallRaw).padStart(6)}  ${SDXL_GENEVAL_OVERALL.toFixed(2).padStart(6)}  ${fixed(overallOracle).padStart(10)}`);
  const sampled = Object.values(modeCounts).reduce((sum, count) => sum + count, 0);
  console.log(`  scene modes drawn (${sampled} samples): ${Object.entries(modeCounts).sort((a, b) => b[1] - a[1]).map(([mode, count]) => `${mode} ${fixed(count / sampled)}`).join(', ')}`);
  console.log(`\nreward (geneval scorer) vs truth, per image (${judged} images, ${agreementSeeds} per prompt): agreement ${fixed(agreement)}; reward passes a failed image ${fixed(falsePass / Math.max(1, judged))}, fails a correct one ${fixed(falseFail / Math.max(1, judged))}`);
  console.log(`distinct images per prompt over ${DISTINCT_SEEDS} seeds (dHash of 256² images): ${distinct.map((result) => result.distinct).join(', ')} (mean ${distinctMean.toFixed(0)})`);

  const sameScene: Record<number, number> = {};
  const sameVerdict: Record<number, number> = {};
  let neighbours = 0;
  for (const result of results) {
    if (result.kind !== 'locality') continue;
    neighbours += result.total;
    for (const degrees of ANGLES) {
      sameScene[degrees] = (sameScene[degrees] ?? 0) + (result.sameScene[degrees] ?? 0);
      sameVerdict[degrees] = (sameVerdict[degrees] ?? 0) + (result.sameVerdict[degrees] ?? 0);
    }
  }
  console.log(`\nlocality (${localityTasks.length} pivots on multi-object prompts, 4 neighbours per angle; 90° = independent noise):`);
  console.log(`  ${ANGLES.map((degrees) => `${degrees}°: same scene ${fixed((sameScene[degrees] ?? 0) / Math.max(1, neighbours))}, same verdict ${fixed((sameVerdict[degrees] ?? 0) / Math.max(1, neighbours))}`).join('\n  ')}`);
  const sweep = results.filter((result): result is Extract<TaskResult, { kind: 'sweep' }> => result.kind === 'sweep');
  const sweepAccuracy = (guidance: number, steps: number): number => {
    const means = TAGS.map((tag) => sweep.filter((cell) => cell.tag === tag && cell.guidance === guidance && cell.steps === steps)).filter((cells) => cells.length > 0).map((cells) => cells.filter((cell) => cell.correct).length / cells.length);
    return means.reduce((sum, value) => sum + value, 0) / Math.max(1, means.length);
  };
  const sweepRaw = (() => {
    const indices = new Set(sweep.map((cell) => cell.index));
    const means = TAGS.map((tag) => chosen.filter(({ item, index }) => item.tag === tag && indices.has(index))).filter((entries) => entries.length > 0).map((entries) => entries.filter(({ index }) => byIndex.get(index)?.successes[0]).length / entries.length);
    return means.reduce((sum, value) => sum + value, 0) / Math.max(1, means.length);
  })();
  console.log(`\nguidance and steps (every 4th prompt, one image each, truth accuracy; overall = mean of tasks):`);
  console.log(`  guidance at 20 steps: ${[...GUIDANCE_SWEEP.map((guidance) => `g=${guidance} ${fixed(sweepAccuracy(guidance, 20))}`), `g=5 ${fixed(sweepRaw)}`].join(', ')}`);
  console.log(`  steps at guidance 5:  ${[...STEPS_SWEEP.map((steps) => `${steps} steps ${fixed(sweepAccuracy(5, steps))}`), `20 steps ${fixed(sweepRaw)}`].join(', ')}`);

  const checks: [string, boolean][] = [
    ...rows.map((row): [string, boolean] => [`${row.tag} raw ${fixed(row.raw)} within ±0.08 of SD-XL ${SDXL_GENEVAL[row.tag]}`, Math.abs(row.raw - (SDXL_GENEVAL[row.tag] ?? 0)) <= 0.08]),
    [`overall raw ${fixed(overallRaw)} in [0.50, 0.60]`, overallRaw >= 0.5 && overallRaw <= 0.6],
    [`share of multi-object prompts with success < 0.05: ${fixed(shareBelow)} >= 0.10`, shareBelow >= 0.1],
    [`oracle best-of-${seeds} ${fixed(overallOracle)} < 0.92`, overallOracle < 0.92],
    [`reward-truth agreement ${fixed(agreement)} in [0.78, 0.90]`, agreement >= 0.78 && agreement <= 0.9],
    [`distinct images per prompt ${distinctMean.toFixed(0)} >= 250`, distinctMean >= 250],
    [`generator ${quantile(warm, 0.5).toFixed(0)} ms per 512² image <= 150 ms`, quantile(warm, 0.5) <= 150],
  ];
  console.log('');
  for (const [label, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label}`);

  const raw: Record<string, number> = {};
  for (const row of rows) raw[row.tag] = round(row.raw);
  raw.overall = round(overallRaw);
  const out = resolve(dirname(fileURLToPath(import.meta.url)), '../../.bench-out');
  mkdirSync(out, { recursive: true });
  const json = {
    prompts: source,
    raw,
    oracle_best_of_32: round(overallOracle),
    share_multi_object_below_0_05: round(shareBelow),
    reward_truth_agreement: round(agreement),
    distinct_images_per_prompt: Math.round(distinctMean),
  };
  writeFileSync(join(out, 'reference-world.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwrote ${join(out, 'reference-world.json')}: ${JSON.stringify(json)}`);
  console.log(`generator ${quantile(warm, 0.5).toFixed(0)} ms per 512² image (cached prompt; ${quantile(cold, 0.5).toFixed(0)} ms new prompt); scorers ${Object.entries(scorerMs).map(([model, ms]) => `${model} ${ms.toFixed(1)} ms`).join(', ')}`);

  // 3. The alignment methods through the engine, on the same prompt set (one heavy process at a time).
  if (args.includes('--no-methods')) return;
  const methodPrompts = option(args, 'method-prompts', process.env.BENCH_QUALITY_PROMPTS) ?? String(Math.min(100, chosen.length));
  console.log(`\n=== alignment methods at budgets 1..32 on ${methodPrompts} ${source} prompts (quality.ts) ===`);
  const quality = spawnSync(process.execPath, ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'quality.ts'), '--prompts', methodPrompts, ...(source === 'suite' ? ['--generated'] : [])], { stdio: 'inherit' });
  if (quality.status !== 0) process.exitCode = 1;
}

/** Rounds to 3 decimals, as the printed figures are. */
function round(value: number): number {
  return Number(value.toFixed(3));
}

if (isMainThread) {
  await main();
} else {
  await runTasks(workerData as Task[], (result) => parentPort?.postMessage(result));
}
