/**
 * A fake v2 generator for engine tests: a 4-dimensional "latent" walks toward tanh(x) over the schedule
 * (deterministic for η = 0, with seeded noise for η > 0), its checkpoints are the latent's JSON, its
 * previews and images are the JSON of what it was asked plus the latent (x̂₀ = tanh(x) for previews).
 * Scorers read `latent[0]`, so previews carry a real but imperfect signal about the final image.
 */
import type { GenerateItemV2, GenerateOptionsV2, GenerateResultV2, GeneratedSegment, GeneratorV2, LatentCheckpoint, NoiseRecipe, ScoreOptions, ScoreResult, ScorerV1 } from '../../../src/ports/index.js';
import { samplerStepSeed } from '../../../src/ports/index.js';
import { fakeImageOf, fakeLatency, seedValue } from '../fake-engine-deps.js';

const DIMENSION = 4;

/** What a fake v2 image says about itself. */
export interface FakeSegmentImage {
  readonly prompt: string;
  readonly noise: NoiseRecipe;
  readonly steps: number;
  readonly latent: readonly number[];
  readonly preview: boolean;
}

function recipeVector(recipe: NoiseRecipe, salt: string): number[] {
  const norm = Math.sqrt(recipe.terms.reduce((sum, term) => sum + term.weight * term.weight, 0));
  return Array.from({ length: DIMENSION }, (_, index) => recipe.terms.reduce((sum, term) => sum + term.weight * seedValue(term.seed, `${salt}${index}`), 0) / norm);
}

/** One denoising step of the fake model from position `position` of `steps`. */
function step(x: readonly number[], position: number, steps: number, prompt: string, eta: number, seed: number): number[] {
  const pull = 1 / (steps - position);
  const bias = prompt.length % 3 === 0 ? 0.1 : -0.1;
  return x.map((value, index) => value + pull * (Math.tanh(value + bias) - value) + (eta > 0 ? eta * 0.3 * Math.sqrt(pull) * seedValue(samplerStepSeed(seed, position), `z${index}`) : 0));
}

/** Options of the fake v2 generator. */
export interface FakeGeneratorV2Options {
  readonly maxBatchSize?: number;
  readonly maxConcurrency?: number;
  readonly latencyMs?: (size: number) => number;
  /** Return an error to throw for a call (0-based call index). */
  readonly fail?: (call: number, items: readonly GenerateItemV2[]) => Error | undefined;
}

/** The fake v2 generator; records every call. */
export class FakeGeneratorV2 implements GeneratorV2 {
  readonly specificationVersion = 'v2';
  readonly provider = 'fake';
  readonly modelId = 'fake-generator-v2';
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  readonly calls: GenerateItemV2[][] = [];

  constructor(private readonly options: FakeGeneratorV2Options = {}) {
    this.maxBatchSize = options.maxBatchSize ?? 4;
    this.maxConcurrency = options.maxConcurrency ?? 2;
  }

  /** Every item asked for, all calls. */
  get items(): GenerateItemV2[] {
    return this.calls.flat();
  }

  async doGenerate(options: GenerateOptionsV2): Promise<GenerateResultV2> {
    const call = this.calls.length;
    this.calls.push([...options.items]);
    await fakeLatency(this.options.latencyMs?.(options.items.length) ?? 0, options.abortSignal);
    const error = this.options.fail?.(call, options.items);
    if (error) throw error;
    return { outputs: options.items.map((item) => this.run(item)), warnings: [], response: { modelId: this.modelId } };
  }

  /** Runs one item (exposed for tests of resuming). */
  run(item: GenerateItemV2): GeneratedSegment {
    const to = item.to ?? item.steps;
    let x: number[];
    let from: number;
    if (item.start) {
      if (item.start.model !== this.modelId) throw new Error('checkpoint of another model');
      x = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(item.start.data), (c) => c.charCodeAt(0)))) as number[];
      from = item.from ?? item.start.step;
      if (item.renoise) {
        const keep = Math.sqrt((from + 1) / (item.start.step + 1));
        const fresh = recipeVector(item.renoise, 'renoise');
        x = x.map((value, index) => keep * value + Math.sqrt(1 - keep * keep) * fresh[index]!);
      }
    } else {
      x = recipeVector(item.noise, 'x');
      from = item.from ?? 0;
    }
    for (let position = from; position < to; position += 1) x = step(x, position, item.steps, item.prompt, item.sampler?.eta ?? 0, item.sampler?.seed ?? 0);
    const nfe = (to - from) * (item.guidance > 1 ? 2 : 1);
    const final = to >= item.steps;
    const image = (latent: readonly number[], preview: boolean): GeneratedSegment['image'] => ({
      type: 'inline',
      mediaType: 'image/png',
      data: new TextEncoder().encode(JSON.stringify({ prompt: item.prompt, noise: item.noise, steps: item.steps, latent, preview } satisfies FakeSegmentImage)),
    });
    if (final) return { image: image(x.map(Math.tanh), false), preview: false, nfe };
    const latents: LatentCheckpoint | undefined = item.returnLatents
      ? { step: to, steps: item.steps, shape: [DIMENSION], dtype: 'float64', data: btoa(JSON.stringify(x)), model: this.modelId }
      : undefined;
    return { ...(item.preview ? { image: image(x.map(Math.tanh), true) } : {}), preview: item.preview !== undefined, ...(latents ? { latents } : {}), nfe };
  }
}

/** A scorer of latent[0] (+ an offset), declaring whether it judges previews. */
export class LatentScorer implements ScorerV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'fake';
  readonly maxBatchSize = 8;
  readonly maxConcurrency = 2;
  readonly calls: FakeSegmentImage[][] = [];

  constructor(
    readonly modelId: string,
    readonly judgesPreviews: boolean,
    private readonly value: (image: FakeSegmentImage) => number = (image) => image.latent[0] ?? 0,
  ) {}

  async doScore(options: ScoreOptions): Promise<ScoreResult> {
    const images = options.items.map((item) => fakeImageOf(item.image) as unknown as FakeSegmentImage);
    this.calls.push(images);
    return { scores: images.map((image) => this.value(image)), warnings: [], response: { modelId: this.modelId } };
  }
}
