/**
 * Quality benchmark on the reference world, through the real engine (src/engine runGeneration with the
 * reference adapters): for budgets 1, 2, 4, 8, 16, 32 and best-of-n, zero-order, Promptist + search and
 * OPT2I + search, the image the engine returns is judged twice: by the truth (src/reference-world/truth:
 * the scene the sampler drew, against the user's original GenEval spec) and by the proxy reward it was
 * searched with (`geneval`, the detector). Prints truth accuracy, the accuracy the proxy promised (its
 * score is 1), the mean proxy reward and the gap promised − truth (reward hacking), and writes
 * quality.svg / quality.json / quality.md to the output folder (quality-suite.* on the suite).
 * `npm run bench reference-world` runs it after the world's own figures (reference-world.bench.ts), on
 * the same prompt set.
 *
 * Usage: tsx test/bench/quality.ts [--prompts 100|all] [--generated] [--budgets 1,2,4,8,16,32] [--methods best_of_n,zero_order,promptist,opt2i]
 *        [--size 256] [--steps 20] [--search-steps 20] [--then best_of_n|zero_order] [--parallel 2] [--out .bench-out]
 *        [--replot path/to/quality.json] (redraws the plot and table of an earlier run)
 * `--generated` runs on the project's own suite instead of the official GenEval prompts; `--prompts`
 * falls back to BENCH_QUALITY_PROMPTS, then 100 (an evenly spaced subset that keeps the task proportions).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import PQueue from 'p-queue';
import { runGeneration } from '../../src/engine/index.js';
import type { EngineDeps, GenerationPlan, ScorerEntry } from '../../src/engine/index.js';
import type { GeneratedImage, GeneratorV1, ScorerV1 } from '../../src/ports/index.js';
import { weightedMeanScore } from '../../src/engine/index.js';
import { allowManyListeners } from '../../src/runtime/allow-many-listeners.js';
import type { GenevalSpec } from '../../src/reference-world/scene/geneval-spec.js';
import { ReferenceWorldModel } from '../../src/reference-world/sampler/world-model.js';
import { generateGenevalSuite } from '../../src/reference-world/scene/geneval-suite.js';
import { judgeTruth, sceneTruth } from '../../src/reference-world/truth/index.js';
import { argValue } from './bench-args.js';
import { evenlySpaced, genevalPlan } from './bench-plan.js';
import { memoScorer } from './memo-scorer.js';
import { budgetPanel, escapeXml, seriesSvg } from './svg-plot.js';

type Method = 'best_of_n' | 'zero_order' | 'promptist' | 'opt2i';
const METHOD_LABELS: Record<Method, string> = {
  best_of_n: 'best-of-n',
  zero_order: 'zero-order',
  promptist: 'Promptist + search',
  opt2i: 'OPT2I + search',
};
const COLORS: Record<Method, string> = { best_of_n: '#1f77b4', zero_order: '#d62728', promptist: '#2ca02c', opt2i: '#9467bd' };
const TAGS = ['single_object', 'two_object', 'counting', 'colors', 'position', 'color_attr'] as const;

interface Options {
  readonly prompts: number | 'all';
  readonly budgets: number[];
  readonly methods: Method[];
  readonly size: number;
  readonly steps: number;
  readonly searchSteps: number;
  readonly then: 'best_of_n' | 'zero_order';
  readonly parallel: number;
  readonly out: string;
  /** The project's generated suite instead of the official prompts. */
  readonly generated: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => argValue(argv, name);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const prompts = value('prompts') ?? process.env.BENCH_QUALITY_PROMPTS ?? '100';
  const steps = Number(value('steps') ?? 20);
  return {
    prompts: prompts === 'all' ? 'all' : Math.max(1, Number(prompts)),
    budgets: (value('budgets') ?? '1,2,4,8,16,32').split(',').map(Number),
    methods: (value('methods') ?? 'best_of_n,zero_order,promptist,opt2i').split(',') as Method[],
    size: Number(value('size') ?? 256),
    steps,
    searchSteps: Number(value('search-steps') ?? steps),
    then: (value('then') ?? 'best_of_n') as 'best_of_n' | 'zero_order',
    parallel: Math.max(1, Number(value('parallel') ?? 2)),
    out: resolve(repoRoot, value('out') ?? '.bench-out'),
    generated: argv.includes('--generated'),
  };
}

/** The plan of one (method, budget, prompt) cell: the request an app would send, defaults filled in. */
function planFor(method: Method, budget: number, prompt: string, seed: number, options: Options): GenerationPlan {
  const searchMethod = method === 'zero_order' ? 'zero_order' : method === 'best_of_n' ? 'best_of_n' : options.then;
  return genevalPlan(
    { prompt, seed, size: options.size, steps: options.steps },
    method === 'promptist'
      ? { method: 'promptist', mode: 'auto', rounds: 1, candidates: 3, noises: 2 }
      : method === 'opt2i'
        ? { method: 'opt2i', mode: 'auto', rounds: 3, candidates: 2, noises: 2 }
        : { method: 'none', mode: 'off', rounds: 0, candidates: 0, noises: 0 },
    { method: searchMethod, budget, searchSteps: options.searchSteps, neighbors: 4, cosine: 0.95, onStall: 'restart' },
  );
}

/**
 * The same deterministic generator, memoised per item: budgets share their first images (best-of-8's seeds
 * are best-of-16's first 8), so each distinct image is computed once. Results are unchanged.
 */
function memoizedGenerator(inner: GeneratorV1, onGenerated: () => void): GeneratorV1 {
  const cache = new Map<string, Promise<GeneratedImage>>();
  return {
    specificationVersion: 'v1',
    provider: inner.provider,
    modelId: inner.modelId,
    maxBatchSize: inner.maxBatchSize,
    maxConcurrency: inner.maxConcurrency,
    async doGenerate(options) {
      const keys = options.items.map((item) => JSON.stringify(item));
      const missing = options.items.filter((_, index) => !cache.has(keys[index]!));
      if (missing.length > 0) {
        const call = inner.doGenerate({ ...options, items: missing });
        missing.forEach(onGenerated);
        missing.forEach((item, index) => {
          const entry = call.then((result) => result.images[index]!);
          entry.catch(() => cache.delete(JSON.stringify(item)));
          cache.set(JSON.stringify(item), entry);
        });
      }
      const images = await Promise.all(keys.map((key) => cache.get(key)!));
      return { images, warnings: [], response: { modelId: inner.modelId } };
    },
  };
}

interface Cell {
  readonly method: Method;
  readonly budget: number;
  /** GenEval accuracy judged by the truth (mean of the task accuracies). */
  readonly accuracy: number;
  readonly accuracyByTag: Record<string, number>;
  /** The accuracy the proxy reward promised: the share of returned images it scored 1 (mean of tasks). */
  readonly promised: number;
  /** promised − accuracy: what search bought on the proxy but not in truth. */
  readonly gap: number;
  readonly meanReward: number;
  readonly meanImages: number;
  readonly promptChanged: number;
}

/** Mean of the per-task means of a value (GenEval's overall: tasks weigh equally). */
function taskMean<T extends { tag: string }>(rows: readonly T[], value: (row: T) => number): { overall: number; byTag: Record<string, number> } {
  const byTag: Record<string, number> = {};
  for (const tag of TAGS) {
    const ofTag = rows.filter((row) => row.tag === tag);
    if (ofTag.length > 0) byTag[tag] = ofTag.reduce((sum, row) => sum + value(row), 0) / ofTag.length;
  }
  const values = Object.values(byTag);
  return { overall: values.reduce((sum, item) => sum + item, 0) / Math.max(1, values.length), byTag };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const replot = process.argv.indexOf('--replot');
  if (replot >= 0) {
    // redraw the plot and table of an earlier run from its quality.json, without running anything
    const saved = JSON.parse(readFileSync(process.argv[replot + 1] ?? join(options.out, 'quality.json'), 'utf8')) as { source: string; prompts: number; options: Options; cells: Cell[] };
    mkdirSync(options.out, { recursive: true });
    const base = saved.source === 'suite' ? 'quality-suite' : 'quality';
    writeFileSync(join(options.out, `${base}.svg`), svgPlot(saved.cells, saved.options, `${saved.prompts} GenEval prompts (${saved.source})`));
    writeFileSync(join(options.out, `${base}.md`), `${markdownTable(saved.cells, saved.options)}\n`);
    console.log(`redrew ${join(options.out, `${base}.svg`)} and ${base}.md from ${saved.prompts} prompts`);
    return;
  }
  let world: typeof import('../../src/adapters/reference/index.js');
  let promptsModule: typeof import('./geneval-prompts.js');
  try {
    world = await import('../../src/adapters/reference/index.js');
    promptsModule = await import('./geneval-prompts.js');
  } catch (error) {
    console.log(`skipped: the reference world is not available (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  const { createReferenceWorld, REFERENCE_SCORER_CALIBRATION } = world;
  const loaded = options.generated ? { source: 'generated' as const, specs: generateGenevalSuite() } : promptsModule.loadGenevalPrompts();
  const source = loaded.source === 'official' ? 'official' : 'suite';
  const allSpecs = loaded.specs;
  const specs = evenlySpaced(allSpecs, options.prompts);
  const reference = createReferenceWorld();
  const truthWorld = new ReferenceWorldModel({ mixtureCacheSize: 8 });
  /** Whether the truth says the returned image shows the user's original spec. */
  const truthCorrect = async (spec: GenevalSpec, best: { prompt: string; noise: import('../../src/ports/index.js').NoiseRecipe; steps: number; guidance: number; width: number; height: number }): Promise<boolean> =>
    judgeTruth(spec, await sceneTruth(truthWorld, { prompt: best.prompt, noise: best.noise, steps: best.steps, guidance: best.guidance, width: best.width, height: best.height })).correct;
  const calibrations = REFERENCE_SCORER_CALIBRATION as Record<string, { mean: number; std: number } | undefined>;
  let generated = 0;
  /** Fresh memoised ports per prompt (caches stay small); the reference ports underneath are shared. */
  const depsForPrompt = (): EngineDeps => {
    const scorers: Record<string, ScorerEntry> = {};
    for (const scorer of reference.scorers) {
      scorers[scorer.modelId] = { scorer: memoScorer(scorer), calibration: calibrations[scorer.modelId] ?? { mean: 0, std: 1 } };
    }
    return {
      generator: memoizedGenerator(reference.generator, () => (generated += 1)),
      scorers,
      rewriter: reference.rewriter,
      chatModel: reference.chatModel,
      imageSink: { save: async (candidateId) => ({ url: `memory://${candidateId}` }) },
      allowManyListeners,
    };
  };
  console.log(
    `prompts: ${specs.length} of ${allSpecs.length} (${source}); ${options.size}x${options.size}, ${options.steps} steps (search ${options.searchSteps}), guidance 5; reward: geneval (rank); prompt methods then ${options.then}; ${options.parallel} prompts at a time`,
  );
  const cellsOf = options.methods.flatMap((method) => options.budgets.map((budget) => ({ method, budget })));
  const started = performance.now();
  let done = 0;
  const perPrompt = await new PQueue({ concurrency: options.parallel }).addAll(specs.map((spec, index) => async () => {
    const deps = depsForPrompt();
    const prompt = spec.prompt ?? '';
    const outcomes = [];
    for (const { method, budget } of cellsOf) {
      const result = await runGeneration(planFor(method, budget, prompt, index, options), deps);
      const best = result.best;
      outcomes.push({
        correct: best !== null && (await truthCorrect(spec, best)),
        promised: best !== null && (best.scores.geneval ?? 0) >= 1 - 1e-9,
        reward: best ? weightedMeanScore(best.scores, [{ model: 'geneval', weight: 1 }]) : 0,
        images: result.usage.images,
        changed: result.finalPrompt !== prompt,
      });
    }
    done += 1;
    if (done % 10 === 0 || done === specs.length) {
      console.log(`  ${done}/${specs.length} prompts, ${((performance.now() - started) / 1000).toFixed(0)} s, ${generated} distinct images generated`);
    }
    return { tag: spec.tag ?? 'unknown', outcomes };
  }));
  const totalMs = performance.now() - started;
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const cells: Cell[] = cellsOf.map(({ method, budget }, cellIndex) => {
    const rows = perPrompt.map((entry) => ({ tag: entry.tag, ...entry.outcomes[cellIndex]! }));
    const truth = taskMean(rows, (row) => (row.correct ? 1 : 0));
    const promised = taskMean(rows, (row) => (row.promised ? 1 : 0)).overall;
    return {
      method,
      budget,
      accuracy: truth.overall,
      accuracyByTag: truth.byTag,
      promised,
      gap: promised - truth.overall,
      meanReward: mean(rows.map((row) => row.reward ?? 0)),
      meanImages: mean(rows.map((row) => row.images)),
      promptChanged: mean(rows.map((row) => (row.changed ? 1 : 0))),
    };
  });
  for (const cell of cells) {
    console.log(
      `${METHOD_LABELS[cell.method].padEnd(20)} budget ${String(cell.budget).padStart(2)}: truth accuracy ${cell.accuracy.toFixed(3)}  promised ${cell.promised.toFixed(3)}  gap ${cell.gap >= 0 ? '+' : ''}${cell.gap.toFixed(3)}  mean reward ${cell.meanReward.toFixed(3)}  images ${cell.meanImages.toFixed(1)}  prompt changed ${(100 * cell.promptChanged).toFixed(0)}%  by task ${Object.entries(cell.accuracyByTag).map(([tag, value]) => `${tag} ${value.toFixed(2)}`).join(', ')}`,
    );
  }
  const requested = cells.reduce((sum, cell) => sum + cell.meanImages * specs.length, 0);
  console.log(
    `\ntotal ${(totalMs / 1000).toFixed(1)} s for ${requested.toFixed(0)} requested images (${generated} distinct, ${(totalMs / Math.max(1, generated)).toFixed(0)} ms per distinct image incl. scoring)`,
  );
  const table = markdownTable(cells, options);
  console.log(`\n${table}`);
  mkdirSync(options.out, { recursive: true });
  const base = source === 'suite' ? 'quality-suite' : 'quality';
  writeFileSync(join(options.out, `${base}.md`), `${table}\n`);
  writeFileSync(join(options.out, `${base}.json`), `${JSON.stringify({ source, prompts: specs.length, options, cells }, null, 2)}\n`);
  writeFileSync(join(options.out, `${base}.svg`), svgPlot(cells, options, `${specs.length} GenEval prompts (${source})`));
  console.log(`\nwrote ${join(options.out, `${base}.svg`)}, ${base}.md, ${base}.json`);
}

function markdownTable(cells: readonly Cell[], options: Options): string {
  const lines = [
    `| method | ${options.budgets.map((budget) => `budget ${budget}`).join(' | ')} |`,
    `|---|${options.budgets.map(() => '---:').join('|')}|`,
  ];
  for (const method of options.methods) {
    const row = options.budgets.map((budget) => {
      const cell = cells.find((entry) => entry.method === method && entry.budget === budget);
      return cell ? `${cell.accuracy.toFixed(3)} / ${cell.promised.toFixed(3)} / ${cell.meanReward.toFixed(3)}` : '';
    });
    lines.push(`| ${METHOD_LABELS[method]} | ${row.join(' | ')} |`);
  }
  lines.push('', 'cells: truth accuracy (mean of the task accuracies) / accuracy the reward promised (geneval = 1) / mean reward (geneval score of the returned image)');
  lines.push('', `| reward hacking (promised − truth) | ${options.budgets.map((budget) => `budget ${budget}`).join(' | ')} |`, `|---|${options.budgets.map(() => '---:').join('|')}|`);
  for (const method of options.methods) {
    const row = options.budgets.map((budget) => {
      const cell = cells.find((entry) => entry.method === method && entry.budget === budget);
      return cell ? `${cell.gap >= 0 ? '+' : ''}${cell.gap.toFixed(3)}` : '';
    });
    lines.push(`| ${METHOD_LABELS[method]} | ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Three panels over log2(budget), one polyline per method: truth accuracy, promised accuracy, gap. */
function svgPlot(cells: readonly Cell[], options: Options, subtitle: string): string {
  const width = 1260;
  const height = 470;
  const panel = { width: 340, height: 300, top: 80 };
  const lefts = [70, 490, 910];
  const budgets = options.budgets;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">diffalign engine on the reference world: truth vs proxy reward over the image budget</text>`,
    `<text x="${width / 2}" y="44" text-anchor="middle" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  const accuracyRange = [...cells.map((cell) => cell.accuracy), ...cells.map((cell) => cell.promised)];
  const shared = { min: Math.max(0, Math.floor(Math.min(...accuracyRange) * 10) / 10), max: Math.min(1, Math.ceil(Math.max(...accuracyRange) * 10) / 10 || 1) };
  const gaps = cells.map((cell) => cell.gap);
  const metrics: { key: 'accuracy' | 'promised' | 'gap'; label: string; min: number; max: number }[] = [
    { key: 'accuracy', label: 'GenEval accuracy by the truth', ...shared },
    { key: 'promised', label: 'accuracy the reward promised (geneval = 1)', ...shared },
    { key: 'gap', label: 'reward hacking: promised − truth', min: Math.min(0, Math.floor(Math.min(...gaps) * 40) / 40), max: Math.max(0.05, Math.ceil(Math.max(...gaps) * 40) / 40) },
  ];
  metrics.forEach((metric, panelIndex) => {
    const frame = budgetPanel({ left: lefts[panelIndex]!, top: panel.top, width: panel.width, height: panel.height, label: metric.label, xLabel: 'images per request (log scale)', budgets, min: metric.min, max: metric.max, decimals: metric.key === 'gap' ? 3 : 2 });
    parts.push(...frame.svg);
    for (const method of options.methods) {
      const points = budgets
        .map((budget) => cells.find((cell) => cell.method === method && cell.budget === budget))
        .filter((cell): cell is Cell => cell !== undefined)
        .map((cell) => [frame.x(cell.budget), frame.y(cell[metric.key])] as const);
      parts.push(...seriesSvg(points, COLORS[method]));
    }
  });
  options.methods.forEach((method, index) => {
    const lx = 300 + index * 200;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${height - 16}" y2="${height - 16}" stroke="${COLORS[method]}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 30}" y="${height - 12}">${METHOD_LABELS[method]}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

await main();
