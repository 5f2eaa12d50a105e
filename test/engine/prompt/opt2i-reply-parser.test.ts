import { describe, expect, it } from 'vitest';
import { parseOpt2iReply } from '../../../src/engine/prompt/opt2i-reply-parser.js';

describe('parseOpt2iReply', () => {
  it('reads a numbered list of tagged prompts', () => {
    // Act
    const prompts = parseOpt2iReply('Sure!\n1. <PROMPT>two dogs beside a red car</PROMPT>\n2. <PROMPT> a red car next to 2 dogs </PROMPT>');

    // Assess
    expect(prompts).toEqual(['two dogs beside a red car', 'a red car next to 2 dogs']);
  });

  it('accepts tags without numbers, several per line or across lines, in any case', () => {
    // Act
    const prompts = parseOpt2iReply('<prompt>one</prompt> <PROMPT>two\nlines</PROMPT>');

    // Assess
    expect(prompts).toEqual(['one', 'two lines']);
  });

  it('falls back to one prompt per non-empty line without tags', () => {
    // Act
    const prompts = parseOpt2iReply('Here are the paraphrases:\n\n1. "two dogs and a red car"\n2) a red car, two dogs\n- dogs (two) with a red car\n...\n');

    // Assess
    expect(prompts).toEqual(['two dogs and a red car', 'a red car, two dogs', 'dogs (two) with a red car']);
  });

  it('answers nothing for an empty reply', () => {
    // Act
    const prompts = parseOpt2iReply('  \n ');

    // Assess
    expect(prompts).toEqual([]);
  });
});
