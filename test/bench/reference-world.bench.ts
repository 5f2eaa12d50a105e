/**
 * Benchmark of the reference world (`npm run bench reference-world`, or
 * `tsx test/bench/reference-world.bench.ts [--quick] [--workers=N] [--generated]`; env BENCH_QUICK=1,
 * BENCH_WORKERS=N, BENCH_SUITE=generated).
 * Prints:
 * - generator speed: ms per 512x512 image at 20 steps, guidance 5 (one core, cold and warm prompt caches);
 * - scorer speed: ms per 512x512 image for each reference scorer;
 * - GenEval: per-task and overall accuracy at the defaults (512x512, 20 steps, guidance 5, seed = prompt
 *   index), raw and best-of-8 (8 seeds per prompt, the image with the highest geneval score);
 * - locality: for neighbours cos θ·pivot + sin θ·ε(new seed), how often the sample lands on the pivot's
 *   mixture mode and gets the pivot's verdict, θ ∈ {5°, 10°, 20°, 30°, 45°, 60°, 90°};
 * and ends with the same figures as Markdown for the README.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createReferenceScorers } from '../../src/adapters/reference/reference-scorers.js';
import { ReferenceGenerator } from '../../src/adapters/reference/reference-generator.js';
import type { GenerateItem, NoiseRecipe, ScorerV1 } from '../../src/ports/index.js';
import { generateGenevalSuite } from '../../src/reference-world/scene/geneval-suite.js';
import { loadGenevalPrompts } from './geneval-prompts.js';

const TAGS = ['single_object', 'two_object', 'counting', 'colors', 'position', 'color_attr'] as const;
const ANGLES = [5, 10, 20, 30, 45, 60, 90] as const;
const BEST_OF = 8;
const GUIDANCE_SWEEP = [1, 3, 5, 7.5] as const;
const STEPS_SWEEP = [1, 2, 4, 8, 20] as const;
/** Seeds of prompt i's best-of-8 candidates: i itself (the raw image), then i + k·SEED_STRIDE. */
const SEED_STRIDE = 100_003;

/** One unit of work a worker does. */
type Task =
  | { readonly kind: 'geneval'; readonly index: number; readonly prompt: string; readonly seeds: number }
  | { readonly kind: 'locality'; readonly index: number; readonly prompt: string; readonly pivotSeed: number; readonly neighbours: number }
  | { readonly kind: 'sweep'; readonly index: number; readonly prompt: string; readonly tag: string; readonly guidance: number; readonly steps: number };

/** What a worker sends back for one task. */
type TaskResult =
  | { readonly kind: 'geneval'; readonly index: number; readonly scores: number[]; readonly modes: string[]; readonly failed: string[] }
  | { readonly kind: 'locality'; readonly index: number; readonly sameMode: Record<number, number>; readonly sameVerdict: Record<number, number>; readonly total: number }
  | { readonly kind: 'sweep'; readonly index: number; readonly tag: string; readonly guidance: number; readonly steps: number; readonly correct: boolean; readonly blendEntropy: number };

/** An item at the benchmark's defaults. */
function defaultItem(prompt: string, noise: NoiseRecipe): GenerateItem {
  return { prompt, noise, steps: 20, guidance: 5, width: 512, height: 512, format: 'png' };
}

/** The geneval scorer's score of one PNG, with its failed constraints. */
async function genevalScore(scorer: ScorerV1, prompt: string, png: Uint8Array): Promise<{ score: number; failed: readonly string[] }> {
  const result = await scorer.doScore({ items: [{ prompt, image: { type: 'inline', mediaType: 'image/png', data: png } }] });
  return { score: result.scores[0] ?? 0, failed: result.details?.[0]?.failed ?? [] };
}

/** Runs tasks in this thread. */
async function runTasks(tasks: readonly Task[], report: (result: TaskResult) => void): Promise<void> {
  const generator = new ReferenceGenerator();
  const geneval = createReferenceScorers().find((scorer) => scorer.modelId === 'geneval');
  if (geneval === undefined) throw new Error('no geneval scorer');
  for (const task of tasks) {
    if (task.kind === 'geneval') {
      const scores: number[] = [];
      const modes: string[] = [];
      let failed: readonly string[] = [];
      for (let k = 0; k < task.seeds; k += 1) {
        const seed = (task.index + k * SEED_STRIDE) >>> 0;
        const sample = await generator.sample(defaultItem(task.prompt, { terms: [{ seed, weight: 1 }] }));
        const verdict = await genevalScore(geneval, task.prompt, sample.png);
        scores.push(verdict.score);
        modes.push(sample.modeKind);
        if (k === 0) failed = verdict.failed;
      }
      report({ kind: 'geneval', index: task.index, scores, modes, failed: [...failed] });
    } else if (task.kind === 'sweep') {
      const sample = await generator.sample({ ...defaultItem(task.prompt, { terms: [{ seed: task.index, weight: 1 }] }), guidance: task.guidance, steps: task.steps });
      const correct = (await genevalScore(geneval, task.prompt, sample.png)).score >= 1;
      report({ kind: 'sweep', index: task.index, tag: task.tag, guidance: task.guidance, steps: task.steps, correct, blendEntropy: sample.blendEntropy });
    } else {
      const pivotSample = await generator.sample(defaultItem(task.prompt, { terms: [{ seed: task.pivotSeed, weight: 1 }] }));
      const pivotVerdict = (await genevalScore(geneval, task.prompt, pivotSample.png)).score >= 1;
      const sameMode: Record<number, number> = {};
      const sameVerdict: Record<number, number> = {};
      for (const degrees of ANGLES) {
        const theta = (degrees * Math.PI) / 180;
        for (let n = 0; n < task.neighbours; n += 1) {
          const newSeed = (task.pivotSeed * 31 + 7919 * (n + 1) + degrees * 104_729) >>> 0;
          const recipe: NoiseRecipe = { terms: [{ seed: task.pivotSeed, weight: Math.cos(theta) }, { seed: newSeed, weight: Math.sin(theta) }] };
          const sample = await generator.sample(defaultItem(task.prompt, recipe));
          const verdict = (await genevalScore(geneval, task.prompt, sample.png)).score >= 1;
          if (sample.modeIndex === pivotSample.modeIndex) sameMode[degrees] = (sameMode[degrees] ?? 0) + 1;
          if (verdict === pivotVerdict) sameVerdict[degrees] = (sameVerdict[degrees] ?? 0) + 1;
        }
      }
      report({ kind: 'locality', index: task.index, sameMode, sameVerdict, total: task.neighbours });
    }
  }
}

/** Spreads tasks over worker threads (round robin) and collects every result. */
async function runParallel(tasks: readonly Task[], workers: number): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  if (workers <= 1) {
    await runTasks(tasks, (result) => results.push(result));
    return results;
  }
  const shares: Task[][] = Array.from({ length: workers }, () => []);
  tasks.forEach((task, index) => shares[index % workers]?.push(task));
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          // Workers do not inherit tsx's loader: register it first, then load this file in worker mode.
          const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
          const worker = new Worker(bootstrap, { eval: true, workerData: share });
          worker.on('message', (result: TaskResult) => results.push(result));
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
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

/** Median of numbers. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Formats a fraction with 3 decimals. */
function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
  const workerArgument = args.find((arg) => arg.startsWith('--workers='))?.split('=')[1] ?? process.env.BENCH_WORKERS;
  const workers = Math.max(1, Number(workerArgument ?? Math.min(4, availableParallelism())));
  // `--generated` (env BENCH_SUITE=generated) runs on the project's own suite even where the official file exists.
  const prompts = args.includes('--generated') || process.env.BENCH_SUITE === 'generated' ? { source: 'generated' as const, path: undefined, specs: generateGenevalSuite() } : loadGenevalPrompts();
  const specs = quick ? prompts.specs.filter((_, index) => index % 6 === 0) : prompts.specs;
  console.log(`reference world benchmark${quick ? ' (quick)' : ''}: ${specs.length} GenEval prompts from ${prompts.source}${prompts.path ? ` (${prompts.path})` : ''}, ${workers} worker(s)`);

  // 1. Generator speed, one core.
  const generator = new ReferenceGenerator();
  const coldPrompts = specs.slice(0, quick ? 6 : 20).map((spec) => spec.prompt ?? '');
  const cold: number[] = [];
  const pngs: { prompt: string; png: Uint8Array }[] = [];
  for (const [index, prompt] of coldPrompts.entries()) {
    const { value, ms } = await timed(() => generator.sample(defaultItem(prompt, { terms: [{ seed: 900 + index, weight: 1 }] })));
    cold.push(ms);
    pngs.push({ prompt, png: value.png });
  }
  const warm: number[] = [];
  for (let seed = 0; seed < (quick ? 6 : 20); seed += 1) {
    const { ms } = await timed(() => generator.sample(defaultItem(coldPrompts[0] ?? '', { terms: [{ seed: 1000 + seed, weight: 1 }] })));
    warm.push(ms);
  }
  console.log(`\ngenerator, 512x512, 20 steps, guidance 5 (NFE 40), one core:`);
  console.log(`  new prompt (mixture built, prototypes rendered): median ${median(cold).toFixed(1)} ms, mean ${(cold.reduce((a, b) => a + b, 0) / cold.length).toFixed(1)} ms`);
  console.log(`  cached prompt (new seed):                         median ${median(warm).toFixed(1)} ms, mean ${(warm.reduce((a, b) => a + b, 0) / warm.length).toFixed(1)} ms   (target <= 150 ms)`);

  // 2. Scorer speed.
  const scorerMs: Record<string, number> = {};
  console.log('\nscorers, ms per 512x512 image (one at a time):');
  for (const scorer of createReferenceScorers()) {
    await scorer.doScore({ items: [{ prompt: pngs[0]?.prompt ?? '', image: { type: 'inline', mediaType: 'image/png', data: pngs[0]?.png ?? new Uint8Array() } }] });
    const times: number[] = [];
    for (const { prompt, png } of pngs) {
      const { ms } = await timed(() => scorer.doScore({ items: [{ prompt, image: { type: 'inline', mediaType: 'image/png', data: png } }] }));
      times.push(ms);
    }
    scorerMs[scorer.modelId] = median(times);
    console.log(`  ${scorer.modelId.padEnd(18)} median ${median(times).toFixed(1)} ms   (target <= 20 ms)`);
  }

  // 3. GenEval accuracy, raw and best-of-8; 4. locality.
  const genevalTasks: Task[] = specs.map((spec, index) => ({ kind: 'geneval', index: quick ? index * 6 : index, prompt: spec.prompt ?? '', seeds: BEST_OF }));
  const localitySpecs = specs.filter((spec) => spec.tag !== 'single_object').filter((_, index) => index % (quick ? 4 : 2) === 0).slice(0, quick ? 12 : 48);
  const localityTasks: Task[] = localitySpecs.map((spec, index) => ({ kind: 'locality', index, prompt: spec.prompt ?? '', pivotSeed: 700_000 + index, neighbours: quick ? 3 : 4 }));
  const sweepSpecs = specs.map((spec, index) => ({ spec, index: quick ? index * 6 : index })).filter((_, index) => index % (quick ? 2 : 5) === 0);
  const sweepTasks: Task[] = [];
  for (const { spec, index } of sweepSpecs) {
    const base = { kind: 'sweep' as const, index, prompt: spec.prompt ?? '', tag: spec.tag ?? 'untagged' };
    for (const guidance of GUIDANCE_SWEEP) if (guidance !== 5) sweepTasks.push({ ...base, guidance, steps: 20 });
    for (const steps of STEPS_SWEEP) if (steps !== 20) sweepTasks.push({ ...base, guidance: 5, steps });
  }
  const started = performance.now();
  const results = await runParallel([...localityTasks, ...sweepTasks, ...genevalTasks], workers);
  const elapsed = (performance.now() - started) / 1000;
  const byIndex = new Map<number, Extract<TaskResult, { kind: 'geneval' }>>();
  for (const result of results) if (result.kind === 'geneval') byIndex.set(result.index, result);
  const perTag: Record<string, { raw: number; best: number; count: number }> = {};
  const modeCounts: Record<string, number> = {};
  const failureWords: Record<string, number> = {};
  specs.forEach((spec, position) => {
    const result = byIndex.get(quick ? position * 6 : position);
    if (result === undefined) return;
    const tag = spec.tag ?? 'untagged';
    const entry = (perTag[tag] ??= { raw: 0, best: 0, count: 0 });
    entry.count += 1;
    if ((result.scores[0] ?? 0) >= 1) entry.raw += 1;
    if (Math.max(...result.scores) >= 1) entry.best += 1;
    for (const mode of result.modes) modeCounts[mode] = (modeCounts[mode] ?? 0) + 1;
    for (const failure of result.failed) {
      const kind = failure.replace(/[^(]*\(found\s*/, '(found ').replace(/\(found [^)]*\)/, (found) => (/\d/.test(found) ? '(found count)' : /left|right|above|below/.test(found) ? '(found relation)' : '(found colour)'));
      failureWords[kind] = (failureWords[kind] ?? 0) + 1;
    }
  });
  const rows = TAGS.filter((tag) => perTag[tag] !== undefined).map((tag) => {
    const entry = perTag[tag] ?? { raw: 0, best: 0, count: 1 };
    return { tag, raw: entry.raw / entry.count, best: entry.best / entry.count, count: entry.count };
  });
  const overallRaw = rows.reduce((sum, row) => sum + row.raw, 0) / Math.max(1, rows.length);
  const overallBest = rows.reduce((sum, row) => sum + row.best, 0) / Math.max(1, rows.length);
  console.log(`\nGenEval (${prompts.source} prompts, ${specs.length} prompts, 512x512, 20 steps, guidance 5; ${elapsed.toFixed(0)} s on ${workers} worker(s)):`);
  console.log(`  ${'task'.padEnd(14)} ${'n'.padStart(4)}  ${'raw'.padStart(6)}  ${'best-of-8'.padStart(9)}`);
  for (const row of rows) console.log(`  ${row.tag.padEnd(14)} ${String(row.count).padStart(4)}  ${fixed(row.raw).padStart(6)}  ${fixed(row.best).padStart(9)}`);
  console.log(`  ${'overall'.padEnd(14)} ${String(specs.length).padStart(4)}  ${fixed(overallRaw).padStart(6)}  ${fixed(overallBest).padStart(9)}`);
  const sampled = Object.values(modeCounts).reduce((sum, count) => sum + count, 0);
  console.log(`  sampled scene modes (all ${sampled} images): ${Object.entries(modeCounts).sort((a, b) => b[1] - a[1]).map(([mode, count]) => `${mode} ${fixed(count / sampled)}`).join(', ')}`);
  console.log(`  raw failures reported by the verifier: ${Object.entries(failureWords).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([kind, count]) => `${kind} ×${count}`).join('; ')}`);
  const raw = (tag: string): number => rows.find((row) => row.tag === tag)?.raw ?? Number.NaN;
  const checks: [string, boolean][] = [
    [`overall raw ${fixed(overallRaw)} in [0.45, 0.65]`, overallRaw >= 0.45 && overallRaw <= 0.65],
    [`single_object raw ${fixed(raw('single_object'))} >= 0.90`, raw('single_object') >= 0.9],
    [`position raw ${fixed(raw('position'))} <= 0.35`, raw('position') <= 0.35],
    [`color_attr raw ${fixed(raw('color_attr'))} <= 0.35`, raw('color_attr') <= 0.35],
    [`best-of-8 gain ${fixed(overallBest - overallRaw)} >= 0.15`, overallBest - overallRaw >= 0.15],
  ];
  for (const [label, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label}`);

  const sameMode: Record<number, number> = {};
  const sameVerdict: Record<number, number> = {};
  let neighbours = 0;
  for (const result of results) {
    if (result.kind !== 'locality') continue;
    neighbours += result.total;
    for (const degrees of ANGLES) {
      sameMode[degrees] = (sameMode[degrees] ?? 0) + (result.sameMode[degrees] ?? 0);
      sameVerdict[degrees] = (sameVerdict[degrees] ?? 0) + (result.sameVerdict[degrees] ?? 0);
    }
  }
  console.log(`\nlocality (${localityTasks.length} pivots on multi-object prompts, ${neighbours / Math.max(1, localityTasks.length)} neighbours per angle each; 90° = independent noise):`);
  console.log(`  ${'angle'.padEnd(6)} ${'cos'.padStart(6)}  ${'same mode'.padStart(9)}  ${'same verdict'.padStart(12)}`);
  for (const degrees of ANGLES) {
    console.log(`  ${`${degrees}°`.padEnd(6)} ${Math.cos((degrees * Math.PI) / 180).toFixed(3).padStart(6)}  ${fixed((sameMode[degrees] ?? 0) / Math.max(1, neighbours)).padStart(9)}  ${fixed((sameVerdict[degrees] ?? 0) / Math.max(1, neighbours)).padStart(12)}`);
  }

  // 5. Guidance and steps, on a subset (the 20-step, guidance-5 cells reuse the raw GenEval images).
  const sweep = results.filter((result): result is Extract<TaskResult, { kind: 'sweep' }> => result.kind === 'sweep');
  const sweepAccuracy = (guidance: number, steps: number): { accuracy: number; entropy: number } => {
    if (guidance === 5 && steps === 20) {
      const taskMeans: number[] = [];
      for (const tag of TAGS) {
        const chosen = sweepSpecs.filter(({ spec }) => spec.tag === tag).map(({ index }) => byIndex.get(index));
        if (chosen.length > 0) taskMeans.push(chosen.filter((result) => (result?.scores[0] ?? 0) >= 1).length / chosen.length);
      }
      return { accuracy: taskMeans.reduce((sum, value) => sum + value, 0) / Math.max(1, taskMeans.length), entropy: Number.NaN };
    }
    const cells = sweep.filter((result) => result.guidance === guidance && result.steps === steps);
    const taskMeans: number[] = [];
    for (const tag of TAGS) {
      const chosen = cells.filter((cell) => cell.tag === tag);
      if (chosen.length > 0) taskMeans.push(chosen.filter((cell) => cell.correct).length / chosen.length);
    }
    return { accuracy: taskMeans.reduce((sum, value) => sum + value, 0) / Math.max(1, taskMeans.length), entropy: cells.reduce((sum, cell) => sum + cell.blendEntropy, 0) / Math.max(1, cells.length) };
  };
  console.log(`\nguidance and steps (${sweepSpecs.length} prompts, one image each; overall = mean of task accuracies):`);
  console.log(`  guidance at 20 steps: ${GUIDANCE_SWEEP.map((guidance) => `g=${guidance} ${fixed(sweepAccuracy(guidance, 20).accuracy)}`).join(', ')}`);
  console.log(`  steps at guidance 5:  ${STEPS_SWEEP.map((steps) => `${steps} steps ${fixed(sweepAccuracy(5, steps).accuracy)}${steps === 20 ? '' : ` (blend entropy ${sweepAccuracy(5, steps).entropy.toFixed(2)})`}`).join(', ')}`);

  console.log('\n--- Markdown for the README ---');
  console.log(`Reference world (${prompts.source} GenEval prompts, n=${specs.length}${quick ? ', quick subset' : ''}; 512x512, 20 DDIM steps, guidance 5):\n`);
  console.log('| task | raw | best-of-8 |');
  console.log('|---|---:|---:|');
  for (const row of rows) console.log(`| ${row.tag} | ${fixed(row.raw)} | ${fixed(row.best)} |`);
  console.log(`| **overall** | **${fixed(overallRaw)}** | **${fixed(overallBest)}** |`);
  console.log('\n| θ | same mode | same verdict |');
  console.log('|---:|---:|---:|');
  for (const degrees of ANGLES) console.log(`| ${degrees}° | ${fixed((sameMode[degrees] ?? 0) / Math.max(1, neighbours))} | ${fixed((sameVerdict[degrees] ?? 0) / Math.max(1, neighbours))} |`);
  console.log(`\nGenerator: ${median(warm).toFixed(0)} ms per 512x512 image at 20 steps (cached prompt; ${median(cold).toFixed(0)} ms for a new prompt), one core. Scorers (ms per 512x512 image): ${Object.entries(scorerMs).map(([model, ms]) => `${model} ${ms.toFixed(1)}`).join(', ')}.`);
}

if (isMainThread) {
  await main();
} else {
  await runTasks(workerData as Task[], (result) => parentPort?.postMessage(result));
}
