import { describe, expect, it } from 'vitest';
import { readOpt2iMetaPrompt, readPromptList } from '../../../src/reference-world/prompt-models/opt2i-meta-prompt-reader.js';
import { chatCompletion, ReferenceChatModel, type ChatCompletionRequest } from '../../../src/reference-world/prompt-models/reference-chat-model.js';
import { generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';
import type { GenevalSpec } from '../../../src/reference-world/scene/geneval-spec.js';
import { parsePrompt } from '../../../src/reference-world/scene/prompt-parser.js';
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

/** Order-free facts of a spec (relations both ways), to compare meanings. */
function facts(spec: GenevalSpec): string {
  const inverse: Record<string, string> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' };
  const result: string[] = [];
  spec.include.forEach((object) => {
    result.push(`${object.class}:${object.count}:${object.color ?? ''}`);
    if (object.position !== undefined) {
      const reference = spec.include[object.position[1]]?.class ?? '?';
      result.push([`${object.class} ${object.position[0]} ${reference}`, `${reference} ${inverse[object.position[0]]} ${object.class}`].sort()[0] ?? '');
    }
  });
  return result.sort().join('|');
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
  it('puts the missed object first', async () => {
    // Prepare
    const model = new ReferenceChatModel();
    const messages = metaPrompt('a photo of a bench and a sports ball', [{ prompt: 'a photo of a bench and a sports ball', score: 50, missed: 'a sports ball (found 0)' }]);

    // Act
    const prompts = readPromptList((await model.doChat({ messages })).text);

    // Assess
    expect(prompts[0]).toMatch(/^(a photo of )?a sports ball and a bench/);
  });

  it('chooses strategies for the kind of miss: layout for relations, clauses for colours, numerals for counts', async () => {
    // Prepare
    const model = new ReferenceChatModel();
    const ask = async (initial: string, missed: string): Promise<string[]> =>
      readPromptList((await model.doChat({ messages: metaPrompt(initial, [{ prompt: initial, score: 20, missed }]) })).text);

    // Act
    const relation = await ask('a photo of a dog right of a teddy bear', 'dog right of teddy bear (found left of)');
    const colour = await ask('a photo of a purple wine glass and a black apple', 'a black apple (found a red apple)');
    const count = await ask('a photo of four handbags', '4 handbags (found 3)');

    // Assess
    expect(relation[0]).toMatch(/on the (left|right)/);
    expect(colour[0]).toMatch(/that is (purple|black)/);
    expect(colour.some((prompt) => /^(a photo of )?a black apple and a purple wine glass/.test(prompt))).toBe(true);
    expect(count[0]).toContain('4 handbags');
  });

  it('keeps the meaning of the prompt in every revision (read back with the parser)', async () => {
    // Prepare
    const model = new ReferenceChatModel();
    const suite = generateGenevalSuite(3).filter((_, index) => index % 11 === 0);
    const misses = ['none', 'a photo (found 0)'];
    let checked = 0;

    for (const spec of suite) {
      const prompt = spec.prompt ?? '';
      const original = facts(parsePrompt(prompt).spec);
      for (const missed of misses) {
        // Act
        const { text } = await model.doChat({ messages: metaPrompt(prompt, [{ prompt, score: 10, missed }]), temperature: 0.8, seed: checked });
        const revisions = readPromptList(text);

        // Assess
        for (const revision of revisions) {
          const spec2 = parsePrompt(revision).spec;
          if (revision.includes('clearly visible')) continue; // an emphasis repeat names the object twice on purpose
          expect(facts(spec2), revision).toBe(original);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('is deterministic for the same messages, seed and temperature, and temperature varies the choice', async () => {
    // Prepare
    const model = new ReferenceChatModel();
    const messages = metaPrompt('a photo of a purple wine glass left of a black apple', [{ prompt: 'x', score: 30, missed: 'a black apple (found a red apple)' }]);

    // Act
    const first = await model.doChat({ messages, temperature: 1, seed: 7 });
    const second = await model.doChat({ messages, temperature: 1, seed: 7 });
    const greedy = await model.doChat({ messages, temperature: 0, seed: 7 });
    const others = await Promise.all([1, 2, 3, 4, 5].map((seed) => model.doChat({ messages, temperature: 1, seed })));

    // Assess
    expect(second.text).toBe(first.text);
    expect(new Set([greedy.text, ...others.map((reply) => reply.text)]).size).toBeGreaterThan(1);
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
