import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../src/engine/index.js';
import type { EngineEvent } from '../../src/engine/index.js';
import { BackendCallError, UnknownModelError } from '../../src/ports/index.js';
import { FakeChatModel, FakeGenerator, FakeRewriter, FakeScorer, MemoryImageSink, noiseValue, scorerEntry, testDeps, testPlan } from './fake-engine-deps.js';
import { referenceRewards, seededRandom } from './seeded-random.js';

const fast = { tuning: { retryDelayMs: 1 } };

describe('runGeneration', () => {
  it('returns the argmax of the aggregated reward for best-of-n (random budgets, weights and aggregations)', async () => {
    // Prepare
    const random = seededRandom(7);
    for (let run = 0; run < 30; run += 1) {
      const method = random.pick(['rank', 'zscore', 'weighted_sum'] as const);
      const rewards = [
        { model: 'alpha', weight: 0.1 + random.next() },
        { model: 'beta', weight: random.next() < 0.3 ? 0 : 0.1 + random.next() },
      ];
      const plan = testPlan({ plan: { aggregate: method, seed: run, rewards }, search: { budget: random.int(1, 20) } });
      const deps = testDeps();

      // Act
      const result = await runGeneration(plan, deps, fast);

      // Assess
      const expected = referenceRewards(
        result.candidates.map((candidate) => candidate.scores),
        rewards,
        method,
        { alpha: { mean: 0, std: 1 }, beta: { mean: 10, std: 3 } },
      );
      const max = Math.max(...expected);
      const argmax = expected.findIndex((value) => value >= max - 1e-12);
      expect(result.best?.id).toBe(result.candidates[argmax]?.id);
      result.candidates.forEach((candidate, index) => expect(candidate.reward).toBeCloseTo(expected[index]!, 10));
    }
  });

  it('names candidates c000… in creation order, stores each image and puts its url on the candidate', async () => {
    // Prepare
    const deps = testDeps();

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 11 } }), deps, fast);

    // Assess
    expect(result.candidates.map((candidate) => candidate.id)).toEqual(Array.from({ length: 11 }, (_, index) => `c${String(index).padStart(3, '0')}`));
    expect([...deps.imageSink.saved.keys()].sort()).toEqual(result.candidates.map((candidate) => candidate.id));
    for (const candidate of result.candidates) expect(candidate.url).toBe(`memory://${candidate.id}`);
  });

  it('derives every noise from plan.seed: the same plan gives the same record apart from timings', async () => {
    // Prepare
    const random = seededRandom(3);
    const jittery = (): FakeGenerator => new FakeGenerator({ maxConcurrency: 3, latencyMs: () => random.int(0, 8) });
    const plan = testPlan({ search: { method: 'zero_order', budget: 14, searchSteps: 10 }, plan: { rewards: [{ model: 'alpha', weight: 1 }, { model: 'beta', weight: 2 }] } });

    // Act
    const first = await runGeneration(plan, testDeps({ generator: jittery() }), fast);
    const second = await runGeneration(plan, testDeps({ generator: jittery() }), fast);
    const other = await runGeneration({ ...plan, seed: 43 }, testDeps(), fast);

    // Assess
    const strip = (result: typeof first): unknown => ({ ...result, usage: { ...result.usage, ms: {} } });
    expect(strip(second)).toEqual(strip(first));
    expect(other.candidates[0]?.noise).not.toEqual(first.candidates[0]?.noise);
  });

  it('never generates more images than the budget, whatever the plan', async () => {
    // Prepare
    const random = seededRandom(11);
    for (let run = 0; run < 40; run += 1) {
      const budget = random.int(1, 24);
      const steps = random.int(1, 12);
      const plan = testPlan({
        plan: { seed: run, steps, n: random.int(1, 3) },
        search: {
          method: random.pick(['best_of_n', 'zero_order'] as const),
          budget,
          searchSteps: random.int(1, steps),
          neighbors: random.int(1, 6),
          onStall: random.pick(['restart', 'shrink'] as const),
          ...(random.next() < 0.3 ? { threshold: random.next() } : {}),
        },
        promptOptimization: {
          method: random.pick(['none', 'promptist', 'opt2i'] as const),
          mode: random.pick(['off', 'auto', 'on'] as const),
          candidates: random.int(1, 5),
          noises: random.int(1, 4),
          rounds: random.int(1, 3),
        },
      });
      const deps = testDeps({
        generator: new FakeGenerator({ maxBatchSize: random.int(1, 5), maxConcurrency: random.int(1, 3) }),
        rewriter: new FakeRewriter(),
        chatModel: new FakeChatModel((_, call) => `<PROMPT>revision ${call} a</PROMPT>\n<PROMPT>revision ${call} b</PROMPT>`),
      });

      // Act
      const result = await runGeneration(plan, deps, fast);

      // Assess
      expect(deps.generator.items.length).toBeLessThanOrEqual(budget);
      expect(result.usage.images).toBe(deps.generator.items.length);
      expect(result.candidates).toHaveLength(result.usage.images);
    }
  });

  it('regenerates the winner at full steps when search runs at fewer, and reports search and final NFE apart', async () => {
    // Prepare
    const deps = testDeps();
    const plan = testPlan({ plan: { steps: 20, guidance: 5 }, search: { budget: 9, searchSteps: 6 } });

    const events: EngineEvent[] = [];

    // Act
    const result = await runGeneration(plan, deps, { ...fast, onEvent: (event) => events.push(event) });

    // Assess
    expect(events.filter((event) => event.type === 'best').at(-1)?.candidate.id).toBe(result.best?.id);
    const drafts = result.candidates.filter((candidate) => candidate.phase === 'search');
    expect(drafts).toHaveLength(8);
    expect(drafts.every((candidate) => candidate.steps === 6)).toBe(true);
    const bestDraft = drafts.reduce((best, candidate) => ((candidate.scores.alpha ?? 0) > (best.scores.alpha ?? 0) ? candidate : best));
    expect(result.best?.phase).toBe('final');
    expect(result.best?.steps).toBe(20);
    expect(result.best?.noise).toEqual(bestDraft.noise);
    expect(result.usage).toMatchObject({ images: 9, searchImages: 8, searchNfe: 8 * 6 * 2, finalNfe: 20 * 2 });
    expect(result.trace.at(-1)).toMatchObject({ phase: 'final', bestCandidateId: result.best?.id });
  });

  it('returns the top n with the best first and without the draft of the final image', async () => {
    // Prepare
    const plan = testPlan({ plan: { n: 3 }, search: { budget: 7, searchSteps: 10 } });

    // Act
    const result = await runGeneration(plan, testDeps(), fast);

    // Assess
    expect(result.images).toHaveLength(3);
    expect(result.images[0]).toEqual(result.best);
    const draftOfBest = result.candidates.find((candidate) => candidate.phase === 'search' && candidate.noise === result.best?.noise);
    expect(result.images.map((image) => image.id)).not.toContain(draftOfBest?.id);
    expect((result.images[1]?.reward ?? 0) >= (result.images[2]?.reward ?? 0)).toBe(true);
  });

  it('keeps batches within maxBatchSize and calls within maxConcurrency per port', async () => {
    // Prepare
    const generator = new FakeGenerator({ maxBatchSize: 3, maxConcurrency: 2, latencyMs: () => 5 });
    const deps = testDeps({ generator });

    // Act
    await runGeneration(testPlan({ search: { budget: 20 } }), deps, fast);

    // Assess
    expect(generator.calls.every((call) => call.length <= 3)).toBe(true);
    expect(generator.calls).toHaveLength(7);
    expect(generator.maxInFlight).toBe(2);
  });

  it('scores a batch as soon as it arrives, while later batches still generate', async () => {
    // Prepare
    const scorer = new FakeScorer('alpha', (image) => noiseValue(image.noise, 'alpha'));
    const scoredWhenCalled: number[] = [];
    const generator = new FakeGenerator({
      maxBatchSize: 2,
      maxConcurrency: 1,
      latencyMs: () => {
        scoredWhenCalled.push(scorer.calls.length);
        return 5;
      },
    });

    // Act
    await runGeneration(testPlan({ search: { budget: 8 } }), testDeps({ generator, scorers: { alpha: scorerEntry(scorer) } }), fast);

    // Assess
    expect(scoredWhenCalled).toHaveLength(4);
    expect(scoredWhenCalled[3]).toBeGreaterThanOrEqual(1);
  });

  it('judges every image against the user prompt', async () => {
    // Prepare
    const scorer = new FakeScorer('alpha', () => 1);
    const plan = testPlan({ plan: { prompt: 'two cats' }, promptOptimization: { method: 'promptist', mode: 'on', candidates: 2, noises: 1 }, search: { budget: 8 } });

    // Act
    await runGeneration(plan, testDeps({ scorers: { alpha: scorerEntry(scorer) }, rewriter: new FakeRewriter() }), fast);

    // Assess
    const prompts = new Set(scorer.calls.flat().map((item) => item.prompt));
    const generated = new Set(scorer.calls.flat().map((item) => item.image.prompt));
    expect([...prompts]).toEqual(['two cats']);
    expect(generated.size).toBe(3);
  });

  it('emits an event per candidate and a best event whenever the best changes', async () => {
    // Prepare
    const events: EngineEvent[] = [];

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 12 } }), testDeps(), { ...fast, onEvent: (event) => events.push(event) });

    // Assess
    const candidateEvents = events.filter((event) => event.type === 'candidate');
    const bestEvents = events.filter((event) => event.type === 'best');
    expect(candidateEvents.map((event) => event.candidate.id).sort()).toEqual(result.candidates.map((candidate) => candidate.id));
    expect(bestEvents.length).toBeGreaterThanOrEqual(1);
    expect(bestEvents.at(-1)?.candidate.id).toBe(result.best?.id);
  });

  it('retries a retryable generator failure and then succeeds', async () => {
    // Prepare
    const generator = new FakeGenerator({
      maxBatchSize: 4,
      fail: (call) => (call < 2 ? new BackendCallError({ backend: 'fake', message: 'throttled', statusCode: 429 }) : undefined),
    });

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 4 } }), testDeps({ generator }), fast);

    // Assess
    expect(generator.calls).toHaveLength(3);
    expect(result.usage.calls.generator).toBe(3);
    expect(result.candidates.every((candidate) => candidate.error === undefined)).toBe(true);
  });

  it('fails only the batch whose call failed for good, without retrying a non-retryable error', async () => {
    // Prepare
    const generator = new FakeGenerator({
      maxBatchSize: 2,
      maxConcurrency: 1,
      fail: (call) => (call === 1 ? new BackendCallError({ backend: 'fake', message: 'bad request', statusCode: 400 }) : undefined),
    });

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 6 } }), testDeps({ generator }), fast);

    // Assess
    expect(generator.calls).toHaveLength(3);
    const failed = result.candidates.filter((candidate) => candidate.error);
    expect(failed.map((candidate) => candidate.id)).toEqual(['c002', 'c003']);
    expect(failed[0]).toMatchObject({ reward: null, error: { code: 'backend_call_failed', message: 'bad request' } });
    expect(result.best).not.toBeNull();
    expect(['c002', 'c003']).not.toContain(result.best?.id);
  });

  it('fails the candidates of a scorer batch that failed after its retries', async () => {
    // Prepare
    const scorer = new FakeScorer('alpha', (image) => noiseValue(image.noise, 'alpha'), {
      maxBatchSize: 4,
      maxConcurrency: 1,
      fail: (call) => (call === 0 ? new BackendCallError({ backend: 'fake', message: 'down', statusCode: 503 }) : undefined),
    });
    const generator = new FakeGenerator({ maxBatchSize: 4, maxConcurrency: 1 });

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 8 } }), testDeps({ generator, scorers: { alpha: scorerEntry(scorer) } }), fast);

    // Assess
    expect(result.candidates.filter((candidate) => candidate.error).length).toBe(0);
    expect(result.usage.calls.scorer).toBe(3);
  });

  it('still returns a result when every candidate failed', async () => {
    // Prepare
    const generator = new FakeGenerator({ fail: () => new Error('GPU on fire') });

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 5, searchSteps: 5 } }), testDeps({ generator }), fast);

    // Assess
    expect(result.best).toBeNull();
    expect(result.images).toEqual([]);
    expect(result.candidates).toHaveLength(4);
    expect(result.candidates.every((candidate) => candidate.error?.code === 'generation_failed' && candidate.reward === null)).toBe(true);
  });

  it('returns within the deadline plus 250 ms with the best so far, marked truncated, starting no call that cannot finish in time', async () => {
    // Prepare
    const generator = new FakeGenerator({ maxBatchSize: 2, maxConcurrency: 1, latencyMs: () => 120, ignoreAbort: true });
    const plan = testPlan({ plan: { deadlineMs: 300 }, search: { budget: 64 } });
    const started = performance.now();

    // Act
    const result = await runGeneration(plan, testDeps({ generator }), fast);

    // Assess
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(300 + 250);
    expect(result.truncated).toBe(true);
    expect(result.best).not.toBeNull();
    expect(result.best?.error).toBeUndefined();
    // calls take 120 ms: the third would end at 360 ms, past the deadline, so it never starts
    expect(result.candidates.every((candidate) => candidate.error === undefined)).toBe(true);
    expect(result.usage.images).toBe(result.candidates.length);
    expect(result.usage.images).toBeLessThan(64);
    expect(result.stopReason).toBe('deadline');
  });

  it('aborts in-flight calls through their AbortSignal when the client goes away', async () => {
    // Prepare
    const generator = new FakeGenerator({ maxBatchSize: 2, maxConcurrency: 2, latencyMs: () => 60 });
    const client = new AbortController();
    setTimeout(() => client.abort(), 100);

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 40 } }), testDeps({ generator }), { ...fast, abortSignal: client.signal });

    // Assess
    expect(result.truncated).toBe(true);
    expect(result.usage.images).toBeLessThan(40);
    expect(result.warnings.some((warning) => warning.includes('client'))).toBe(true);
  });

  it('throws UnknownModelError for a scorer the deployment does not serve', async () => {
    // Prepare
    const plan = testPlan({ plan: { rewards: [{ model: 'pickscore', weight: 1 }] } });

    // Act
    const run = runGeneration(plan, testDeps(), fast);

    // Assess
    await expect(run).rejects.toBeInstanceOf(UnknownModelError);
  });

  it('accepts generator images given by url without storing them again', async () => {
    // Prepare
    const sink = new MemoryImageSink();
    const generator = new FakeGenerator();
    const urlGenerator = Object.assign(Object.create(generator) as FakeGenerator, {
      doGenerate: async (options: Parameters<FakeGenerator['doGenerate']>[0]) => {
        const result = await generator.doGenerate(options);
        return { ...result, images: result.images.map((image, index) => ({ ...image, image: { type: 'url' as const, url: `https://bucket/${index}.png` } })) };
      },
    });
    const scorer = new FakeScorer('alpha', () => 1);
    const seen: string[] = [];
    const urlScorer = Object.assign(Object.create(scorer) as FakeScorer, {
      doScore: async (options: Parameters<FakeScorer['doScore']>[0]) => {
        for (const item of options.items) seen.push(item.image.type);
        return { scores: options.items.map(() => 1), warnings: [], response: { modelId: 'alpha' } };
      },
    });

    // Act
    const result = await runGeneration(testPlan({ search: { budget: 2 } }), testDeps({ generator: urlGenerator, imageSink: sink, scorers: { alpha: scorerEntry(urlScorer) } }), fast);

    // Assess
    expect(sink.saved.size).toBe(0);
    expect(result.candidates.map((candidate) => candidate.url)).toEqual(['https://bucket/0.png', 'https://bucket/1.png']);
    expect(seen).toEqual(['url', 'url']);
  });

  it('starts every method from the same first noises, so methods compare on equal footing', async () => {
    // Prepare
    const plans = [
      testPlan({ search: { budget: 8 } }),
      testPlan({ search: { method: 'zero_order', budget: 8 } }),
      testPlan({ promptOptimization: { method: 'promptist', mode: 'on', candidates: 1, noises: 2 }, search: { budget: 8 } }),
    ];

    // Act
    const [bestOf, zeroOrder, promptist] = await Promise.all(
      plans.map((plan) => runGeneration(plan, testDeps({ rewriter: new FakeRewriter() }), fast)),
    );

    // Assess
    expect(zeroOrder!.candidates[0]?.noise).toEqual(bestOf!.candidates[0]?.noise);
    const userJudging = promptist!.candidates.filter((candidate) => candidate.phase === 'prompt' && candidate.prompt === plans[2]!.prompt);
    expect(userJudging.map((candidate) => candidate.noise)).toEqual(bestOf!.candidates.slice(0, 2).map((candidate) => candidate.noise));
  });
});
