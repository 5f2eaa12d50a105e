import { describe, expect, it } from 'vitest';
import { runGeneration } from '../../../src/engine/index.js';
import type { ChatOptions } from '../../../src/ports/index.js';
import { FakeChatModel, FakeScorer, noiseValue, scorerEntry, testDeps, testPlan } from '../fake-engine-deps.js';

const fast = { tuning: { retryDelayMs: 1 } };

/** A verifier-like scorer in [0, 1]: counts "dog" mentions up to 3 (the user wants dogs), says what failed. */
const dogScorer = (): FakeScorer =>
  new FakeScorer('alpha', (image) => Math.min(3, image.prompt.split('dog').length - 1) / 3 + 0.001 * noiseValue(image.noise, 'alpha'), {
    range: { min: 0, max: 1 },
    detail: (image) => (image.prompt.split('dog').length - 1 >= 3 ? { passed: ['dogs'] } : { failed: ['3 dogs (found fewer)'] }),
  });

/** A reviser that adds one more "dog" to the best prompt it is shown. */
const dogReviser = (): FakeChatModel =>
  new FakeChatModel((options: ChatOptions) => {
    const user = options.messages[1]?.content ?? '';
    const prompts = [...user.matchAll(/^<PROMPT>(.*)<\/PROMPT>\nscore:/gm)].map((match) => match[1]!);
    const best = prompts.at(-1) ?? '';
    return `1. <PROMPT>${best} dog</PROMPT>\n2. <PROMPT>${best} cat</PROMPT>`;
  });

describe('runOpt2i', () => {
  it('revises over rounds from the meta-prompt, judging each prompt on the same noises against the user prompt', async () => {
    // Prepare
    const chatModel = dogReviser();
    const scorer = dogScorer();
    const plan = testPlan({
      plan: { prompt: 'dog' },
      promptOptimization: { method: 'opt2i', mode: 'on', rounds: 5, candidates: 2, noises: 2 },
      search: { budget: 32 },
    });

    // Act
    const result = await runGeneration(plan, testDeps({ chatModel, scorers: { alpha: scorerEntry(scorer) } }), fast);

    // Assess
    expect(chatModel.calls.length).toBeGreaterThanOrEqual(2);
    const firstRound = chatModel.calls[0]!.messages[1]!.content;
    expect(firstRound).toContain('<PROMPT>dog</PROMPT>\nscore: 33\nmissed: 3 dogs (found fewer)');
    expect(firstRound).toContain('Generate 2 paraphrases');
    expect(result.finalPrompt).toBe('dog dog dog');
    expect(new Set(scorer.calls.flat().map((item) => item.prompt))).toEqual(new Set(['dog']));
    const noisesOf = (prompt: string): string =>
      result.candidates.filter((candidate) => candidate.phase === 'prompt' && candidate.prompt === prompt).map((candidate) => JSON.stringify(candidate.noise)).join('|');
    expect(noisesOf('dog dog')).toBe(noisesOf('dog'));
    expect(result.trace.filter((entry) => entry.method === 'opt2i').map((entry) => entry.round)).toEqual([0, 1, 2, 3]);
    expect(result.usage.promptImages).toBeLessThanOrEqual(16);
    expect(result.usage.calls.chat).toBe(chatModel.calls.length);
  });

  it('stops once the target is reached', async () => {
    // Prepare
    const chatModel = dogReviser();
    const plan = testPlan({
      plan: { prompt: 'dog' },
      promptOptimization: { method: 'opt2i', mode: 'on', rounds: 5, candidates: 2, noises: 1, target: 0.9 },
      search: { budget: 32 },
    });

    // Act
    const result = await runGeneration(plan, testDeps({ chatModel, scorers: { alpha: scorerEntry(dogScorer()) } }), fast);

    // Assess
    expect(chatModel.calls).toHaveLength(2);
    expect(result.finalPrompt).toBe('dog dog dog');
  });

  it('stops after a round that does not improve the best prompt', async () => {
    // Prepare
    const chatModel = new FakeChatModel(() => '<PROMPT>a cat</PROMPT>');
    const plan = testPlan({
      plan: { prompt: 'dog' },
      promptOptimization: { method: 'opt2i', mode: 'on', rounds: 5, candidates: 2, noises: 1 },
      search: { budget: 32 },
    });

    // Act
    const result = await runGeneration(plan, testDeps({ chatModel, scorers: { alpha: scorerEntry(dogScorer()) } }), fast);

    // Assess
    expect(chatModel.calls).toHaveLength(1);
    expect(result.finalPrompt).toBe('dog');
    expect(result.trace.find((entry) => entry.round === 1)?.note).toContain('no improvement');
    expect(result.warnings).toContain('opt2i ran 1 of 5 rounds: round 1 did not improve the best prompt');
  });

  it('keeps the best prompt so far when the reviser fails', async () => {
    // Prepare
    const chatModel = new FakeChatModel(() => {
      throw new Error('LLM down');
    });
    const plan = testPlan({ promptOptimization: { method: 'opt2i', mode: 'on', rounds: 3, candidates: 2, noises: 2 }, search: { budget: 12 } });

    // Act
    const result = await runGeneration(plan, testDeps({ chatModel }), fast);

    // Assess
    expect(result.finalPrompt).toBe(plan.prompt);
    expect(result.warnings.some((warning) => warning.includes('LLM down'))).toBe(true);
    expect(result.usage.images).toBe(12);
  });
});
