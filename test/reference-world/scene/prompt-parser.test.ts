import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';
import type { GenevalSpec } from '../../../src/reference-world/scene/geneval-spec.js';
import { parsePrompt } from '../../../src/reference-world/scene/prompt-parser.js';
import { SeededRandom } from '../../../src/reference-world/scene/seeded-random.js';
import { DEFAULT_GENEVAL_METADATA, loadGenevalPrompts } from '../../bench/geneval-prompts.js';

/** Paraphrases and the constraints they must parse to (prompt field left out). */
const PARAPHRASES: readonly [string, Omit<GenevalSpec, 'prompt'>][] = [
  ['three people', { tag: 'counting', include: [{ class: 'person', count: 3 }], exclude: [{ class: 'person', count: 4 }] }],
  ['a photo of 2 mice', { tag: 'counting', include: [{ class: 'computer mouse', count: 2 }], exclude: [{ class: 'computer mouse', count: 3 }] }],
  ['four knives on a table', { include: [{ class: 'dining table', count: 1 }, { class: 'knife', count: 4, position: ['above', 0] }], exclude: [{ class: 'knife', count: 5 }] }],
  ['two sheep', { tag: 'counting', include: [{ class: 'sheep', count: 2 }], exclude: [{ class: 'sheep', count: 3 }] }],
  ['a pair of skis', { tag: 'single_object', include: [{ class: 'skis', count: 1 }] }],
  ['a pair of dogs', { tag: 'counting', include: [{ class: 'dog', count: 2 }], exclude: [{ class: 'dog', count: 3 }] }],
  ['a cat to the left of a dog', { tag: 'position', include: [{ class: 'dog', count: 1 }, { class: 'cat', count: 1, position: ['left of', 0] }] }],
  ['a cat on the left side of a dog', { tag: 'position', include: [{ class: 'dog', count: 1 }, { class: 'cat', count: 1, position: ['left of', 0] }] }],
  ['a bus to the right of a fire hydrant', { tag: 'position', include: [{ class: 'fire hydrant', count: 1 }, { class: 'bus', count: 1, position: ['right of', 0] }] }],
  ['a kite on top of a teddy bear', { tag: 'position', include: [{ class: 'teddy bear', count: 1 }, { class: 'kite', count: 1, position: ['above', 0] }] }],
  ['a clock over a cell phone', { tag: 'position', include: [{ class: 'cell phone', count: 1 }, { class: 'clock', count: 1, position: ['above', 0] }] }],
  ['a wine glass under a traffic light', { tag: 'position', include: [{ class: 'traffic light', count: 1 }, { class: 'wine glass', count: 1, position: ['below', 0] }] }],
  ['a hot dog beneath a stop sign', { tag: 'position', include: [{ class: 'stop sign', count: 1 }, { class: 'hot dog', count: 1, position: ['below', 0] }] }],
  ['a parking meter next to a baseball glove', { tag: 'two_object', include: [{ class: 'parking meter', count: 1 }, { class: 'baseball glove', count: 1 }] }],
  ['a tennis racket beside a hair drier', { tag: 'two_object', include: [{ class: 'tennis racket', count: 1 }, { class: 'hair drier', count: 1 }] }],
  ['a car painted red', { tag: 'colors', include: [{ class: 'car', count: 1, color: 'red' }] }],
  ['a bench in green', { tag: 'colors', include: [{ class: 'bench', count: 1, color: 'green' }] }],
  ['a blue-colored fire hydrant', { tag: 'colors', include: [{ class: 'fire hydrant', count: 1, color: 'blue' }] }],
  ['an orange orange', { tag: 'colors', include: [{ class: 'orange', count: 1, color: 'orange' }] }],
  ['an orange and a purple cell phone', { include: [{ class: 'orange', count: 1 }, { class: 'cell phone', count: 1, color: 'purple' }] }],
  ['a hair dryer', { tag: 'single_object', include: [{ class: 'hair drier', count: 1 }] }],
  ['a dog on the left and a cat on the right', { tag: 'position', include: [{ class: 'cat', count: 1 }, { class: 'dog', count: 1, position: ['left of', 0] }] }],
  ['no dogs, a cat', { include: [{ class: 'cat', count: 1 }], exclude: [{ class: 'dog', count: 1 }] }],
];

describe('parsePrompt', () => {
  it('round-trips every prompt of the generated suite to its spec', () => {
    // Prepare
    const suite = generateGenevalSuite(0);

    // Act
    const parsed = suite.map((spec) => parsePrompt(spec.prompt ?? ''));

    // Assess
    parsed.forEach((result, index) => {
      expect(result.spec).toEqual(suite[index]);
      expect(result.modifiers).toEqual([]);
      expect(result.clarity).toBe(1);
    });
  });

  it.each(PARAPHRASES)('reads the paraphrase "%s"', (prompt, expected) => {
    // Act
    const { spec } = parsePrompt(prompt);

    // Assess
    expect(spec).toEqual({ ...expected, prompt });
  });

  it('keeps words it does not understand as modifiers', () => {
    // Act
    const result = parsePrompt('a photo of a cute dog, highly detailed, 8k, trending on artstation, by greg rutkowski');

    // Assess
    expect(result.spec.include).toEqual([{ class: 'dog', count: 1 }]);
    expect(result.modifiers).toEqual(['cute', 'highly detailed', '8k', 'trending on artstation', 'by greg rutkowski']);
  });

  it('scores vague and run-on phrasing as less clear than GenEval phrasing', () => {
    // Act
    const explicit = parsePrompt('a photo of two dogs left of a cat').clarity;
    const vague = parsePrompt('some dogs next to a cat').clarity;
    const runOn = parsePrompt('a really very cute fluffy happy little dog that is sitting quietly and calmly in the middle of a big green park with a cat that looks at it').clarity;

    // Assess
    expect(explicit).toBe(1);
    expect(vague).toBeLessThan(0.8);
    expect(runOn).toBeLessThan(0.8);
    expect(parsePrompt('').clarity).toBeLessThan(0.6);
  });

  it('never throws, whatever the string', () => {
    // Prepare
    const random = new SeededRandom(11);
    const alphabet = 'ab cdefgxyz0123456789,.;-!?()[]{}\'"\\/\n\t\u00e9\u4e2d\ud83d\ude00 ';
    const words = ['a', 'two', 'red', 'dog', 'left', 'of', 'on', 'top', 'no', 'orange', 'pair', 'with', ','];
    const inputs: string[] = ['', ' ', ',,,', 'of of of', 'left of', 'a a a a', 'x'.repeat(20_000)];
    for (let i = 0; i < 300; i += 1) {
      const length = random.int(40);
      inputs.push(Array.from({ length }, () => alphabet[random.int(alphabet.length)]).join(''));
      inputs.push(Array.from({ length: random.int(12) }, () => random.pick(words)).join(' '));
    }

    // Act
    const results = inputs.map((input) => parsePrompt(input));

    // Assess
    for (const result of results) {
      expect(result.clarity).toBeGreaterThanOrEqual(0);
      expect(result.clarity).toBeLessThanOrEqual(1);
      expect(Array.isArray(result.spec.include)).toBe(true);
    }
  });
});

describe.skipIf(!existsSync(DEFAULT_GENEVAL_METADATA) && !process.env.DIFFALIGN_GENEVAL_METADATA)('parsePrompt on the official GenEval metadata', () => {
  it('parses all 553 official prompts to their metadata', () => {
    // Prepare
    const { source, specs } = loadGenevalPrompts();

    // Act
    const parsed = specs.map((spec) => parsePrompt(spec.prompt ?? '').spec);

    // Assess
    expect(source).toBe('official');
    expect(specs).toHaveLength(553);
    parsed.forEach((spec, index) => expect(spec).toEqual(specs[index]));
  });
});
