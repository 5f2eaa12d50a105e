import { describe, expect, it } from 'vitest';
import { mentionProfile, phrasingCues, sceneModes, type SceneMode, type SceneModeKind } from '../../../src/reference-world/scene/scene-failures.js';
import { parsePrompt, type ParsedPrompt } from '../../../src/reference-world/scene/prompt-parser.js';
import { NEUTRAL_STYLE } from '../../../src/reference-world/scene/render-style.js';

/** The modes of a prompt as the generator builds them. */
function modesOf(prompt: string, parsed: ParsedPrompt = parsePrompt(prompt)): SceneMode[] {
  return sceneModes(prompt, parsed, NEUTRAL_STYLE);
}

/** Total probability of some kinds of mode. */
function weightOf(modes: readonly SceneMode[], kinds: readonly SceneModeKind[]): number {
  return modes.filter((mode) => kinds.includes(mode.kind)).reduce((sum, mode) => sum + mode.weight, 0);
}

const INTENDED: readonly SceneModeKind[] = ['intended'];

describe('sceneModes', () => {
  it('gives a probability distribution with the intended scene first (property over phrasings)', () => {
    for (const prompt of ['a photo of a cat', 'a photo of two clocks', 'a photo of a red car and a blue dog', 'a photo of a dog right of a teddy bear', 'three pink sheep below a green bus, highly detailed', '']) {
      // Act
      const modes = modesOf(prompt);

      // Assess
      expect(modes[0]?.kind).toBe('intended');
      expect(modes.reduce((sum, mode) => sum + mode.weight, 0)).toBeCloseTo(1, 10);
      expect(modes.every((mode) => mode.weight >= 0)).toBe(true);
    }
  });

  it('fails more often with more objects and larger counts', () => {
    // Act
    const single = weightOf(modesOf('a photo of a cat'), INTENDED);
    const pair = weightOf(modesOf('a photo of a cat and a bench'), INTENDED);
    const two = weightOf(modesOf('a photo of two clocks'), INTENDED);
    const four = weightOf(modesOf('a photo of four clocks'), INTENDED);

    // Assess
    expect(single).toBeGreaterThan(pair);
    expect(two).toBeGreaterThan(four);
  });

  it('fails less often with clearer phrasing', () => {
    // Prepare
    const parsed = parsePrompt('a photo of a red car and a blue dog');

    // Act
    const clear = weightOf(modesOf('a photo of a red car and a blue dog', { ...parsed, clarity: 1 }), INTENDED);
    const vague = weightOf(modesOf('a photo of a red car and a blue dog', { ...parsed, clarity: 0.4 }), INTENDED);

    // Assess
    expect(clear).toBeGreaterThan(vague + 0.05);
  });

  it('binds colours better in clauses and keeps relations better with explicit layout words', () => {
    // Act
    const prefixBinding = weightOf(modesOf('a photo of a red car and a blue dog'), ['attribute_swap', 'attribute_leak']);
    const clauseBinding = weightOf(modesOf('a photo of a car that is red, and a dog that is blue'), ['attribute_swap', 'attribute_leak']);
    const relationWords = weightOf(modesOf('a photo of a dog right of a teddy bear'), ['relation_flip', 'relation_ignored']);
    const layoutWords = weightOf(modesOf('a photo of a teddy bear on the left and a dog on the right'), ['relation_flip', 'relation_ignored']);

    // Assess
    expect(clauseBinding).toBeLessThan(prefixBinding);
    expect(layoutWords).toBeLessThan(relationWords);
  });

  it('neglects the later-mentioned object more, and less once it comes first', () => {
    // Act
    const modes = modesOf('a photo of a bench and a sports ball');
    const reordered = modesOf('a photo of a sports ball and a bench');
    const omitted = (list: readonly SceneMode[], kept: string): number =>
      list.filter((mode) => mode.kind === 'omission' && mode.spec.include.every((object) => object.class === kept)).reduce((sum, mode) => sum + mode.weight, 0);

    // Assess
    expect(omitted(modes, 'bench')).toBeGreaterThan(omitted(modes, 'sports ball'));
    expect(omitted(reordered, 'bench')).toBeLessThan(omitted(modes, 'bench'));
  });

  it('lowers the low-quality modes with quality modifiers', () => {
    // Act
    const plain = weightOf(modesOf('a photo of a cat'), ['cluttered', 'washed_out']);
    const boosted = weightOf(modesOf('a photo of a cat, highly detailed, sharp focus, 8k, trending on artstation'), ['cluttered', 'washed_out']);

    // Assess
    expect(boosted).toBeLessThan(plain / 2);
  });

  it('draws each failure as an altered scene', () => {
    // Act
    const modes = modesOf('a photo of a dog right of a red teddy bear');
    const flip = modes.find((mode) => mode.kind === 'relation_flip');
    const omission = modes.find((mode) => mode.kind === 'omission' && mode.spec.include.length === 1 && mode.spec.include[0]?.class === 'dog');
    const neglect = modes.find((mode) => mode.kind === 'attribute_neglect');

    // Assess
    expect(flip?.spec.include.find((object) => object.class === 'dog')?.position?.[0]).toBe('left of');
    expect(omission?.spec.include[0]?.position).toBeUndefined();
    expect(neglect?.spec.include.find((object) => object.class === 'teddy bear')?.color).toBeUndefined();
  });

  it('counts off by one in both directions for counting prompts', () => {
    // Act
    const counts = modesOf('a photo of three cups')
      .filter((mode) => mode.kind === 'count')
      .map((mode) => mode.spec.include[0]?.count);

    // Assess
    expect(counts.sort()).toEqual([2, 4]);
  });
});

describe('mentionProfile', () => {
  it('ranks objects by first mention and counts repeats', () => {
    // Prepare
    const spec = parsePrompt('a photo of a dog right of a teddy bear').spec;

    // Act
    const profile = mentionProfile('a photo of a dog right of a teddy bear, the dog looks happy, dogs everywhere', spec);

    // Assess
    const dog = spec.include.findIndex((object) => object.class === 'dog');
    expect(profile.order[dog]).toBe(0);
    expect(profile.mentions[dog]).toBe(3);
  });
});

describe('phrasingCues', () => {
  it('finds colour clauses, layout words and numerals', () => {
    // Act
    const cues = phrasingCues('a car that is red on the left and 2 dogs');
    const none = phrasingCues('a red car and two dogs');

    // Assess
    expect(cues).toEqual({ colorClause: true, explicitLayout: true, numerals: true });
    expect(none).toEqual({ colorClause: false, explicitLayout: false, numerals: false });
  });
});
