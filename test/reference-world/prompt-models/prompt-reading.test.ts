import { describe, expect, it } from 'vitest';
import { singularOf } from '../../../src/reference-world/prompt-models/noun-inflection.js';
import { readPrompt } from '../../../src/reference-world/prompt-models/prompt-reading.js';
import { loadGenevalPrompts } from '../../bench/geneval-prompts.js';

describe('readPrompt', () => {
  it('reads GenEval-style prompts: objects, counts, colours and relations', () => {
    // Act
    const colours = readPrompt('a photo of a purple wine glass and a black apple');
    const count = readPrompt('a photo of four handbags');
    const relation = readPrompt('a photo of a dog right of a teddy bear');

    // Assess
    expect(colours.mentions).toEqual([
      { noun: 'wine glass', count: 1, colour: 'purple', adjectives: [] },
      { noun: 'apple', count: 1, colour: 'black', adjectives: [] },
    ]);
    expect(count.mentions).toEqual([{ noun: 'handbag', count: 4, adjectives: [] }]);
    expect(relation.mentions.map((mention) => mention.noun)).toEqual(['dog', 'teddy bear']);
    expect(relation.placements).toEqual([{ subject: 0, relation: 'right of', reference: 1 }]);
  });

  it('reads the wordings an LLM revision uses: explicit counts, colour clauses, layouts, style phrases', () => {
    // Act
    const exact = readPrompt('a high-resolution photo of exactly 3 benches that are blue, highly detailed, sharp focus');
    const layout = readPrompt('a cat on the left side of the image and a dog on the right side');
    const above = readPrompt('a clock at the top and a bowl at the bottom');

    // Assess
    expect(exact.mentions).toEqual([{ noun: 'bench', count: 3, colour: 'blue', adjectives: [] }]);
    expect(exact.style).toEqual(['highly detailed', 'sharp focus']);
    expect(layout.placements).toEqual([{ subject: 0, relation: 'left of', reference: 1 }]);
    expect(above.placements).toEqual([{ subject: 0, relation: 'above', reference: 1 }]);
  });

  it('takes a colour word with no noun after it for the noun ("an orange")', () => {
    // Act
    const reading = readPrompt('a photo of a handbag and an orange');

    // Assess
    expect(reading.mentions.map((mention) => [mention.noun, mention.colour])).toEqual([
      ['handbag', undefined],
      ['orange', undefined],
    ]);
  });

  it('reads the GenEval prompts as their metadata says (the official file when ../shared has it, else the generated suite)', () => {
    // Prepare
    const { specs } = loadGenevalPrompts();

    // Act
    const misread = specs.filter((spec) => {
      const reading = readPrompt(spec.prompt ?? '');
      const wanted = spec.include.map((object) => `${object.class}:${object.count}:${object.color ?? ''}`).sort().join('|');
      const read = reading.mentions.map((mention) => `${mention.noun}:${mention.count}:${mention.colour ?? ''}`).sort().join('|');
      return read !== wanted || reading.placements.length !== spec.include.filter((object) => object.position !== undefined).length;
    });

    // Assess
    expect(specs.length).toBeGreaterThan(500);
    expect(misread.map((spec) => spec.prompt)).toEqual([]);
  });

  it('guesses singulars the way a caption writer does', () => {
    // Act
    const singulars = ['dogs', 'wine glasses', 'benches', 'people', 'knives', 'ponies', 'ties', 'buses', 'skis'].map(singularOf);

    // Assess
    expect(singulars).toEqual(['dog', 'wine glass', 'bench', 'person', 'knife', 'pony', 'tie', 'bus', 'skis']);
  });
});
