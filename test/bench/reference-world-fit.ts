/**
 * Fits the reference world's six base hazards (src/reference-world/difficulty/failure-model.ts,
 * FITTED_BASE_HAZARDS) to SD-XL's per-task GenEval accuracies (Ghosh et al. 2023, Table 2), judged by
 * the truth — the scene the sampler drew — never by a reward model.
 *
 * Procedure: tasks in order single_object → two_object → counting → colors → position → color_attr,
 * each with the one base hazard it introduces (misread, neglect, count, color, relation, binding; the
 * earlier ones already fitted, the fact weights fixed). For a task, the raw accuracy at 512², 20 DDIM
 * steps, guidance 5 over its prompts × `--seeds` seeds (common random numbers: seed = prompt index +
 * k·100003) is driven to the target by secant steps on the logit scale (the first step assumes a
 * slope of −0.8 logit per unit of hazard; slopes are kept within [−2, −0.2]), until within
 * `--tolerance` or `--steps` steps.
 * Prints each step and the fitted constants to paste into FITTED_BASE_HAZARDS.
 *
 * Usage: tsx test/bench/reference-world-fit.ts [--seeds 6] [--tolerance 0.01] [--steps 6] [--prompts N] [--from task] [--generated]
 * (`--from position` refits from that task on, keeping the earlier tasks' hazards.)
 */
import { FITTED_BASE_HAZARDS, type BaseHazards } from '../../src/reference-world/difficulty/failure-model.js';
import type { GenevalSpec } from '../../src/reference-world/scene/geneval-spec.js';
import { generateGenevalSuite } from '../../src/reference-world/scene/geneval-suite.js';
import { ReferenceWorldModel } from '../../src/reference-world/sampler/world-model.js';
import { judgeTruth, sceneTruth } from '../../src/reference-world/truth/scene-truth.js';
import { loadGenevalPrompts } from './geneval-prompts.js';
import { SDXL_GENEVAL } from './geneval-targets.js';

/** Which base hazard each task fits, in fitting order. */
const FIT_ORDER: readonly (readonly [string, keyof BaseHazards])[] = [
  ['single_object', 'misread'],
  ['two_object', 'neglect'],
  ['counting', 'count'],
  ['colors', 'color'],
  ['position', 'relation'],
  ['color_attr', 'binding'],
];

/** Every k-th spec of a tag, at most `limit` of them. */
function promptsOf(specs: readonly GenevalSpec[], tag: string, limit: number): { spec: GenevalSpec; index: number }[] {
  const all = specs.map((spec, index) => ({ spec, index })).filter((entry) => entry.spec.tag === tag);
  if (all.length <= limit) return all;
  return Array.from({ length: limit }, (_, k) => all[Math.floor((k * all.length) / limit)]!);
}

/** Raw truth accuracy of some prompts under given base hazards. */
async function accuracy(prompts: readonly { spec: GenevalSpec; index: number }[], hazards: BaseHazards, seeds: number): Promise<number> {
  const world = new ReferenceWorldModel({ mixture: { hazards }, mixtureCacheSize: 8 });
  let correct = 0;
  for (const { spec, index } of prompts) {
    for (let k = 0; k < seeds; k += 1) {
      const truth = await sceneTruth(world, { prompt: spec.prompt ?? '', noise: { terms: [{ seed: (index + k * 100_003) >>> 0, weight: 1 }] }, steps: 20, guidance: 5, width: 512, height: 512 });
      if (judgeTruth(spec, truth).correct) correct += 1;
    }
  }
  return correct / (prompts.length * seeds);
}

const logit = (p: number): number => Math.log(Math.min(0.995, Math.max(0.005, p)) / (1 - Math.min(0.995, Math.max(0.005, p))));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const seeds = option('seeds', 6);
  const tolerance = option('tolerance', 0.01);
  const steps = option('steps', 6);
  const limit = option('prompts', 1000);
  const source = args.includes('--generated') ? { source: 'suite', specs: generateGenevalSuite() } : loadGenevalPrompts();
  console.log(`fitting base hazards on ${source.source} prompts (up to ${limit} per task), ${seeds} seeds each`);
  const hazards: Record<keyof BaseHazards, number> = { ...FITTED_BASE_HAZARDS };
  const fromAt = args.indexOf('--from');
  const first = Math.max(0, FIT_ORDER.findIndex(([tag]) => tag === (fromAt >= 0 ? args[fromAt + 1] : 'single_object')));
  for (const [tag, key] of FIT_ORDER.slice(first)) {
    const prompts = promptsOf(source.specs, tag, limit);
    const target = SDXL_GENEVAL[tag] ?? 0.5;
    let previous: { hazard: number; logit: number } | undefined;
    for (let step = 0; step < steps; step += 1) {
      const started = performance.now();
      const measured = await accuracy(prompts, hazards, seeds);
      console.log(`  ${tag.padEnd(14)} ${key.padEnd(9)} ${hazards[key].toFixed(3).padStart(7)} → accuracy ${measured.toFixed(3)} (target ${target}; ${((performance.now() - started) / 1000).toFixed(0)} s)`);
      if (Math.abs(measured - target) <= tolerance) break;
      const current = { hazard: hazards[key], logit: logit(measured) };
      const secant = previous !== undefined && current.hazard !== previous.hazard ? (current.logit - previous.logit) / (current.hazard - previous.hazard) : -0.8;
      const slope = Math.min(-0.2, Math.max(-2, Number.isFinite(secant) ? secant : -0.8));
      hazards[key] = Math.round((current.hazard + (logit(target) - current.logit) / slope) * 1000) / 1000;
      previous = current;
    }
  }
  console.log(`\nFITTED_BASE_HAZARDS = ${JSON.stringify(hazards, null, 2)}`);
}

await main();
