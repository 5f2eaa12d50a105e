import { describe, expect, it } from 'vitest';
import { buildOpt2iMessages, OPT2I_SYSTEM_PROMPT } from '../../../src/engine/prompt/opt2i-meta-prompt.js';

describe('buildOpt2iMessages', () => {
  it('writes the contract meta-prompt exactly, history sorted ascending by score', () => {
    // Act
    const messages = buildOpt2iMessages(
      'a photo of two dogs and a red car',
      [
        { prompt: 'second prompt', score: 77, missed: [] },
        { prompt: 'first prompt', score: 41, missed: ['2 dogs (found 1)', 'a red car (found a blue car)'] },
      ],
      5,
    );

    // Assess
    expect(messages).toEqual([
      { role: 'system', content: OPT2I_SYSTEM_PROMPT },
      {
        role: 'user',
        content: `Your task is to optimize this initial prompt written by a human: "a photo of two dogs and a red car". Below are some previous prompts with a consistency score against the initial prompt, from 0 to 100, and the parts of the prompt that the generated images did not show. The prompts are sorted from lowest to highest score.

<PROMPT>first prompt</PROMPT>
score: 41
missed: 2 dogs (found 1); a red car (found a blue car)

<PROMPT>second prompt</PROMPT>
score: 77
missed: none

Generate 5 paraphrases of the initial prompt which keep the semantic meaning and that have higher scores than all the prompts above. Favor substitutions and reorderings over additions. Respond with each new prompt in between <PROMPT> and </PROMPT>, eg:
1. <PROMPT>paraphrase 1</PROMPT>
2. <PROMPT>paraphrase 2</PROMPT>
...
5. <PROMPT>paraphrase 5</PROMPT>`,
      },
    ]);
    expect(OPT2I_SYSTEM_PROMPT).toBe(
      'You are an expert prompt optimizer for text-to-image models. Text-to-image models take a text prompt as input and generate images depicting the prompt as output. You translate prompts written by humans into better prompts for the text-to-image models. Your answers should be concise and effective.',
    );
  });

  it('asks for the requested count and shows at most 5 missed items', () => {
    // Act
    const [, user] = buildOpt2iMessages('x', [{ prompt: 'x', score: 10, missed: ['a', 'b', 'c', 'd', 'e', 'f'] }], 2);

    // Assess
    expect(user?.content).toContain('missed: a; b; c; d; e\n');
    expect(user?.content).toContain('Generate 2 paraphrases');
    expect(user?.content.endsWith('1. <PROMPT>paraphrase 1</PROMPT>\n2. <PROMPT>paraphrase 2</PROMPT>')).toBe(true);
  });
});
