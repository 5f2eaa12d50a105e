import { describe, expect, it } from 'vitest';
import { readOpt2iMetaPrompt, readPromptList } from '../../../src/reference-world/prompt-models/opt2i-meta-prompt-reader.js';
import { chatCompletion, ReferenceChatModel, type ChatCompletionRequest } from '../../../src/reference-world/prompt-models/reference-chat-model.js';
import { DEFAULT_REVISION_PHRASING, type RevisionPhrasing } from '../../../src/reference-world/prompt-models/revision-phrasing.js';
import { buildOpt2iMessages } from '../../../src/engine/index.js';
import { PARAPHRASED_PHRASING } from './paraphrased-phrasing.js';
import { AbortedError, BackendCallError } from '../../../src/ports/errors.js';
import type { ChatMessage } from '../../../src/ports/index.js';

const SYSTEM =
  'You are an expert prompt optimizer for text-to-image models. Text-to-image models take a text prompt as input and generate images depicting the prompt as output. You translate prompts written by humans into better prompts for the text-to-image models. Your answers should be concise and effective.';

/** The engine's OPT2I meta-prompt (the contract's wording). */
function metaPrompt(initial: string, history: readonly { prompt: string; score: number; missed: string }[], count = 5): ChatMessage[] {
  const entries = history.map((entry) => `<PROMPT>${entry.prompt}</PROMPT>\nscore: ${entry.score}\nmissed: ${entry.missed}`).join('\n\n');
  const examples = Array.from({ length: count }, (_, index) => `${index + 1}. <PROMPT>paraphrase ${index + 1}</PROMPT>`);
  const user = `Your task is to optimize this initial prompt written by a human: "${initial}". Below are some previous prompts with a consistency score against the initial prompt, from 0 to 100, and the parts of the prompt that the generated images did not show. The prompts are sorted from lowest to highest score.\n\n${entries}\n\nGenerate ${count} paraphrases of the initial prompt which keep the semantic meaning and that have higher scores than all the prompts above. Favor substitutions and reorderings over additions. Respond with each new prompt in between <PROMPT> and </PROMPT>, eg:\n${examples[0]}\n${examples[1]}\n...\n${examples[count - 1]}`;
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

describe('readOpt2iMetaPrompt', () => {
  it('reads the initial prompt, the history with scores and misses, and the count', () => {
    // Prepare
    const messages = metaPrompt('a photo of two dogs and a red car', [
      { prompt: 'first prompt', score: 41, missed: '2 dogs (found 1); a red car (found a blue car)' },
      { prompt: 'second prompt', score: 77, missed: 'none' },
    ], 3);

    // Act
    const request = readOpt2iMetaPrompt(messages);

    // Assess
    expect(request).toEqual({
      initialPrompt: 'a photo of two dogs and a red car',
      history: [
        { prompt: 'first prompt', score: 41, missed: ['2 dogs (found 1)', 'a red car (found a blue car)'] },
        { prompt: 'second prompt', score: 77, missed: [] },
      ],
      count: 3,
    });
  });

  it('tolerates a loosely written request', () => {
    // Act
    const request = readOpt2iMetaPrompt([{ role: 'user', content: 'Improve "a cat". <prompt>a cat</prompt> Score = 12 Missed: a cat (found 0)\nPlease generate four new prompts.' }]);

    // Assess
    expect(request.initialPrompt).toBe('a cat');
    expect(request.history).toEqual([{ prompt: 'a cat', score: 12, missed: ['a cat (found 0)'] }]);
    expect(request.count).toBe(4);
  });
});

describe('readPromptList', () => {
  it('reads tagged, numbered and untagged replies', () => {
    // Act
    const tagged = readPromptList('Sure:\n1. <PROMPT>a</PROMPT>\n2. <PROMPT>b</PROMPT>');
    const untagged = readPromptList('Here you go:\n1. a dog\n2) a cat\n\n- a cow');

    // Assess
    expect(tagged).toEqual(['a', 'b']);
    expect(untagged).toEqual(['a dog', 'a cat', 'a cow']);
  });
});

describe('chatCompletion', () => {
  it('round-trips the OpenAI-compatible chat format', () => {
    // Prepare
    const request: ChatCompletionRequest = { messages: metaPrompt('a photo of a bench and a sports ball', [{ prompt: 'a photo of a bench and a sports ball', score: 50, missed: 'a sports ball (found 0)' }]), max_tokens: 512, temperature: 0 };

    // Act
    const reply = chatCompletion(JSON.parse(JSON.stringify(request)));

    // Assess
    expect(reply.choices[0]?.message.role).toBe('assistant');
    expect(reply.choices[0]?.finish_reason).toBe('stop');
    expect(readPromptList(reply.choices[0]?.message.content ?? '')).toHaveLength(5);
  });

  it('rejects a request without messages', () => {
    // Act
    const call = (): unknown => chatCompletion({ messages: [] });

    // Assess
    expect(call).toThrow();
  });

  it('cuts the reply at max_tokens', () => {
    // Act
    const reply = chatCompletion({ messages: metaPrompt('a photo of a bench and a sports ball', []), max_tokens: 20 });

    // Assess
    expect(reply.choices[0]?.finish_reason).toBe('length');
    expect(readPromptList(reply.choices[0]?.message.content ?? '').length).toBeLessThan(5);
  });
});

describe('ReferenceChatModel', () => {
  it("reads the scores of the engine's meta-prompt: swapping two entries' scores changes the reply towards the higher-scored one", async () => {
    // Prepare
    const model = new ReferenceChatModel();
    const initial = 'a photo of a purple wine glass and a black apple';
    const clause = 'a photo of a wine glass that is purple and an apple that is black';
    const boosted = 'a photo of a purple wine glass and a black apple, highly detailed, sharp focus';
    const reply = async (clauseScore: number, boostedScore: number): Promise<string[]> => {
      const history = [
        { prompt: initial, score: 40, missed: [] },
        { prompt: clause, score: clauseScore, missed: [] },
        { prompt: boosted, score: boostedScore, missed: [] },
      ];
      const replies = await Promise.all([1, 2, 3, 4].map((seed) => model.doChat({ messages: buildOpt2iMessages(initial, history, 5), temperature: 1, seed })));
      return replies.flatMap((result) => readPromptList(result.text));
    };

    // Act
    const clauseBest = await reply(85, 20);
    const boostedBest = await reply(20, 85);

    // Assess
    const clauses = (prompts: string[]): number => prompts.filter((prompt) => /\b(?:that is|in|painted) (?:purple|black)\b/.test(prompt)).length / prompts.length;
    const boosters = (prompts: string[]): number => prompts.filter((prompt) => /\b(?:highly detailed|sharp focus|high quality|8k|professional photography|ultra detailed)\b/.test(prompt)).length / prompts.length;
    expect(clauseBest).not.toEqual(boostedBest);
    expect(clauses(clauseBest)).toBeGreaterThan(clauses(boostedBest) + 0.4);
    expect(boosters(boostedBest)).toBeGreaterThan(boosters(clauseBest) + 0.4);
  });

  it('writes with the phrasing it is given', async () => {
    // Prepare
    const messages = buildOpt2iMessages('a photo of two dogs left of a cat', [{ prompt: 'a photo of two dogs left of a cat', score: 30, missed: ['dog left of cat (found right of)'] }], 5);

    // Act
    const own = readPromptList((await new ReferenceChatModel().doChat({ messages, seed: 1 })).text);
    const paraphrased = readPromptList((await new ReferenceChatModel({ phrasing: PARAPHRASED_PHRASING }).doChat({ messages, seed: 1 })).text);

    // Assess
    const layouts = (phrasing: RevisionPhrasing): RegExp[] => Object.values(phrasing.layouts).flat().map((template) => new RegExp(template.replace('{a} ', '').split(' {b} ')[0] ?? ''));
    expect(own.some((prompt) => layouts(DEFAULT_REVISION_PHRASING).some((pattern) => pattern.test(prompt)))).toBe(true);
    expect(paraphrased.some((prompt) => layouts(PARAPHRASED_PHRASING).some((pattern) => pattern.test(prompt)))).toBe(true);
    expect(paraphrased.some((prompt) => layouts(DEFAULT_REVISION_PHRASING).some((pattern) => pattern.test(prompt)))).toBe(false);
  });

  it('is deterministic for the same messages, seed and temperature, and the seed varies the reply', async () => {
    // Prepare
    const model = new ReferenceChatModel();
    const messages = metaPrompt('a photo of a purple wine glass left of a black apple', [{ prompt: 'x', score: 30, missed: 'a black apple (found a red apple)' }]);

    // Act
    const first = await model.doChat({ messages, temperature: 1, seed: 7 });
    const second = await model.doChat({ messages, temperature: 1, seed: 7 });
    const others = await Promise.all([1, 2, 3].map((seed) => model.doChat({ messages, temperature: 1, seed })));

    // Assess
    expect(second.text).toBe(first.text);
    expect(new Set([first.text, ...others.map((reply) => reply.text)]).size).toBe(4);
  });

  it('uses its endpoint through the wire format and maps failures', async () => {
    // Prepare
    const requests: ChatCompletionRequest[] = [];
    const working = new ReferenceChatModel({ endpoint: (request) => (requests.push(request), { choices: [{ message: { role: 'assistant', content: '<PROMPT>x</PROMPT>' } }] }) });
    const broken = new ReferenceChatModel({ endpoint: () => ({ detail: 'overloaded' }) });
    const aborted = new AbortController();
    aborted.abort();

    // Act
    const result = await working.doChat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 64, temperature: 0.5, seed: 3 });

    // Assess
    expect(result.text).toBe('<PROMPT>x</PROMPT>');
    expect(requests[0]).toMatchObject({ max_tokens: 64, temperature: 0.5, seed: 3, messages: [{ role: 'user', content: 'hi' }] });
    await expect(broken.doChat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(BackendCallError);
    await expect(working.doChat({ messages: [{ role: 'user', content: 'hi' }], abortSignal: aborted.signal })).rejects.toBeInstanceOf(AbortedError);
  });
});
