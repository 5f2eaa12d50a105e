/**
 * Fake ports for engine tests and benchmarks: a generator whose "image" bytes are the JSON of what it was
 * asked, scorers that read that JSON back, a memory image sink, and a plan with every default filled in.
 */
import type {
  ChatModelV1,
  ChatOptions,
  ChatResult,
  GenerateItem,
  GenerateOptions,
  GenerateResult,
  GeneratorV1,
  ImageRef,
  NoiseRecipe,
  PromptRewriterV1,
  RewriteOptions,
  RewriteResult,
  ScoreDetail,
  ScoreOptions,
  ScoreResult,
  ScorerV1,
} from '../../src/ports/index.js';
import { AbortedError } from '../../src/ports/index.js';
import type { EngineDeps, GenerationPlan, ImageSink, ScorerEntry } from '../../src/engine/generation-plan.js';
import { deriveSeed } from '../../src/engine/noise/seed-derivation.js';

/** What a fake image says about itself. */
export interface FakeImage {
  readonly prompt: string;
  readonly noise: NoiseRecipe;
  readonly steps: number;
}

/** Waits `ms` (real timers); rejects with AbortedError on abort unless told to ignore the signal. */
export function fakeLatency(ms: number, signal: AbortSignal | undefined, ignoreAbort = false): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (!ignoreAbort && signal?.aborted) return reject(new AbortedError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (!ignoreAbort) signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Decodes a fake image. */
export function fakeImageOf(ref: ImageRef): FakeImage {
  if (ref.type !== 'inline') throw new Error('fake scorers read inline images only');
  return JSON.parse(new TextDecoder().decode(ref.data)) as FakeImage;
}

/** A standard-normal-like value per seed and salt (deterministic). */
export function seedValue(seed: number, salt: string): number {
  const u1 = (deriveSeed(seed, salt, 1) + 0.5) / 2 ** 32;
  const u2 = (deriveSeed(seed, salt, 2) + 0.5) / 2 ** 32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A smooth landscape over noises: ⟨z, d⟩ for a hidden direction d, z = Σ wᵢ ε(seedᵢ)/‖w‖ (nearby noises score alike). */
export function noiseValue(noise: NoiseRecipe, salt: string): number {
  const norm = Math.sqrt(noise.terms.reduce((sum, term) => sum + term.weight * term.weight, 0));
  return noise.terms.reduce((sum, term) => sum + term.weight * seedValue(term.seed, salt), 0) / norm;
}

/** Options of the fake generator. */
export interface FakeGeneratorOptions {
  readonly maxBatchSize?: number;
  readonly maxConcurrency?: number;
  /** Latency of one call of `size` items. */
  readonly latencyMs?: (size: number) => number;
  /** Return an error to throw for a call (0-based call index). */
  readonly fail?: (call: number, items: readonly GenerateItem[]) => Error | undefined;
  readonly ignoreAbort?: boolean;
}

/** A generator that records its calls and returns JSON "images". */
export class FakeGenerator implements GeneratorV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'fake';
  readonly modelId = 'fake-generator';
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  readonly calls: GenerateItem[][] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly options: FakeGeneratorOptions = {}) {
    this.maxBatchSize = options.maxBatchSize ?? 4;
    this.maxConcurrency = options.maxConcurrency ?? 2;
  }

  /** Every item generated (attempted), all calls. */
  get items(): GenerateItem[] {
    return this.calls.flat();
  }

  async doGenerate(options: GenerateOptions): Promise<GenerateResult> {
    const call = this.calls.length;
    this.calls.push([...options.items]);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await fakeLatency(this.options.latencyMs?.(options.items.length) ?? 0, options.abortSignal, this.options.ignoreAbort);
      const error = this.options.fail?.(call, options.items);
      if (error) throw error;
      return {
        images: options.items.map((item) => ({
          image: {
            type: 'inline' as const,
            mediaType: 'image/png',
            data: new TextEncoder().encode(JSON.stringify({ prompt: item.prompt, noise: item.noise, steps: item.steps })),
          },
          nfe: item.steps * (item.guidance > 1 ? 2 : 1),
        })),
        warnings: [],
        response: { modelId: this.modelId },
      };
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** Options of a fake scorer. */
export interface FakeScorerOptions {
  readonly maxBatchSize?: number;
  readonly maxConcurrency?: number;
  readonly latencyMs?: (size: number) => number;
  readonly fail?: (call: number) => Error | undefined;
  readonly range?: { readonly min: number; readonly max: number };
  readonly detail?: (image: FakeImage, prompt: string) => ScoreDetail | undefined;
  readonly ignoreAbort?: boolean;
}

/** A scorer computing `value(image, scoringPrompt)` from the fake image's JSON. */
export class FakeScorer implements ScorerV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'fake';
  readonly maxBatchSize: number;
  readonly maxConcurrency: number;
  readonly range: { readonly min: number; readonly max: number } | undefined;
  readonly calls: { prompt: string; image: FakeImage }[][] = [];

  constructor(
    readonly modelId: string,
    private readonly value: (image: FakeImage, prompt: string) => number,
    private readonly options: FakeScorerOptions = {},
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 8;
    this.maxConcurrency = options.maxConcurrency ?? 2;
    this.range = options.range;
  }

  async doScore(options: ScoreOptions): Promise<ScoreResult> {
    const call = this.calls.length;
    const items = options.items.map((item) => ({ prompt: item.prompt, image: fakeImageOf(item.image) }));
    this.calls.push(items);
    await fakeLatency(this.options.latencyMs?.(items.length) ?? 0, options.abortSignal, this.options.ignoreAbort);
    const error = this.options.fail?.(call);
    if (error) throw error;
    return {
      scores: items.map((item) => this.value(item.image, item.prompt)),
      details: items.map((item) => this.options.detail?.(item.image, item.prompt)),
      warnings: [],
      response: { modelId: this.modelId },
    };
  }
}

/** A scorer entry with neutral calibration. */
export function scorerEntry(scorer: ScorerV1, calibration = { mean: 0, std: 1 }): ScorerEntry {
  return { scorer, calibration };
}

/** A memory image sink that records what it stored. */
export class MemoryImageSink implements ImageSink {
  readonly saved = new Map<string, { bytes: Uint8Array; mediaType: string }>();
  async save(candidateId: string, image: { readonly bytes: Uint8Array; readonly mediaType: string }): Promise<{ readonly url: string }> {
    this.saved.set(candidateId, { ...image });
    return { url: `memory://${candidateId}` };
  }
}

/** A rewriter that appends modifiers (`, sharp focus 1`, `, sharp focus 2`, …). */
export class FakeRewriter implements PromptRewriterV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'fake';
  readonly modelId = 'fake-rewriter';
  readonly calls: RewriteOptions[] = [];
  constructor(private readonly rewrite: (prompt: string, index: number) => string = (prompt, index) => `${prompt}, sharp focus ${index + 1}`) {}
  async doRewrite(options: RewriteOptions): Promise<RewriteResult> {
    this.calls.push(options);
    return {
      rewrites: Array.from({ length: options.count }, (_, index) => this.rewrite(options.prompt, index)),
      warnings: [],
      response: { modelId: this.modelId },
    };
  }
}

/** A chat model answering with a function of the messages; records every call. */
export class FakeChatModel implements ChatModelV1 {
  readonly specificationVersion = 'v1';
  readonly provider = 'fake';
  readonly modelId = 'fake-chat';
  readonly calls: ChatOptions[] = [];
  constructor(private readonly answer: (options: ChatOptions, call: number) => string) {}
  async doChat(options: ChatOptions): Promise<ChatResult> {
    this.calls.push(options);
    return { text: this.answer(options, this.calls.length - 1), warnings: [], response: { modelId: this.modelId } };
  }
}

/** A plan with the HTTP layer's defaults and the given overrides. */
export function testPlan(overrides: {
  readonly plan?: Partial<Omit<GenerationPlan, 'search' | 'promptOptimization'>>;
  readonly search?: Partial<GenerationPlan['search']>;
  readonly promptOptimization?: Partial<GenerationPlan['promptOptimization']>;
} = {}): GenerationPlan {
  return {
    prompt: 'a photo of a red train and a purple bear',
    n: 1,
    width: 64,
    height: 64,
    steps: 20,
    guidance: 5,
    seed: 42,
    rewards: [{ model: 'alpha', weight: 1 }],
    aggregate: 'rank',
    ...overrides.plan,
    promptOptimization: { method: 'none', mode: 'off', rounds: 3, candidates: 5, noises: 4, ...overrides.promptOptimization },
    search: {
      method: 'best_of_n',
      budget: 8,
      searchSteps: 20,
      neighbors: 4,
      cosine: 0.95,
      onStall: 'restart',
      ...overrides.search,
    },
  };
}

/** Deps around a fake generator with scorers `alpha` (noise landscape) and `beta` (another landscape). */
export function testDeps(overrides: Partial<EngineDeps> = {}): EngineDeps & { generator: FakeGenerator; imageSink: MemoryImageSink } {
  const generator = overrides.generator instanceof FakeGenerator ? overrides.generator : new FakeGenerator();
  const imageSink = overrides.imageSink instanceof MemoryImageSink ? overrides.imageSink : new MemoryImageSink();
  return {
    scorers: {
      alpha: scorerEntry(new FakeScorer('alpha', (image) => noiseValue(image.noise, 'alpha'))),
      beta: scorerEntry(new FakeScorer('beta', (image) => 10 + 3 * noiseValue(image.noise, 'beta')), { mean: 10, std: 3 }),
    },
    ...overrides,
    generator,
    imageSink,
  };
}
