import { describe, expect, it } from 'vitest';
import { FITTED_BASE_HAZARDS, promptHazards, sceneModes, substituteOf, type SceneMode, type SceneModeKind } from '../../../src/reference-world/difficulty/failure-model.js';
import { readPrompt } from '../../../src/reference-world/sampler/prompt-reading.js';

/** The failure model's input for a prompt, read as the world's text encoder reads it. */
function input(prompt: string): Parameters<typeof sceneModes>[0] {
  const reading = readPrompt(prompt);
  return { text: reading.text, parsed: reading.parsed, style: reading.style };
}

/** Total probability of some kinds of mode. */
function weightOf(modes: readonly SceneMode[], kinds: readonly SceneModeKind[]): number {
  return modes.filter((mode) => kinds.includes(mode.kind)).reduce((sum, mode) => sum + mode.weight, 0);
}

describe('sceneModes', () => {
  it('gives a probability distribution with the intended scene first (property over phrasings)', () => {
    for (const prompt of ['a photo of a cat', 'a photo of two clocks', 'a photo of a red car and a blue dog', 'a photo of a dog right of a teddy bear', 'three pink sheep below a green bus, highly detailed', '']) {
      // Act
      const modes = sceneModes(input(prompt));

      // Assess
      expect(modes[0]?.kind).toBe('intended');
      expect(modes.reduce((sum, mode) => sum + mode.weight, 0)).toBeCloseTo(1, 10);
      expect(modes.every((mode) => mode.weight >= 0)).toBe(true);
    }
  });

  it('makes the same scene about as hard in any wording, and hard scenes nearly unsolvable', () => {
    // Prepare: the same content in two wordings, over many scenes
    const classes = ['dog', 'cat', 'car', 'bench', 'cup', 'bird', 'kite', 'clock', 'bowl', 'sheep', 'truck', 'vase', 'train', 'horse', 'laptop', 'pizza'];
    const intended = (prompt: string): number => sceneModes(input(prompt))[0]?.weight ?? Number.NaN;
    const pairs = classes.flatMap((first, index) => {
      const second = classes[(index * 5 + 3) % classes.length] ?? 'cow';
      return second === first ? [] : [[intended(`a photo of a ${first} left of a ${second}`), intended(`a ${first} to the left of a ${second}`)] as const];
    });

    // Act
    const logGap = pairs.map(([a, b]) => Math.abs(Math.log(a / b)));
    const weights = pairs.map(([a]) => a);

    // Assess: rewording moves a scene's odds less than the scenes differ from each other
    const spread = Math.log(Math.max(...weights) / Math.min(...weights));
    expect(logGap.reduce((sum, gap) => sum + gap, 0) / logGap.length).toBeLessThan(spread / 3);
    expect(Math.min(...weights)).toBeLessThan(0.01);
  });
});

describe('promptHazards', () => {
  it('misreads rare classes more than frequent ones (COCO frequency)', () => {
    // Act
    const person = promptHazards(input('a photo of a person')).misread[0] ?? Number.NaN;
    const toaster = promptHazards(input('a photo of a toaster')).misread[0] ?? Number.NaN;

    // Assess: the latent differs per scene, so compare the fact part
    expect(toaster - promptHazards(input('a photo of a toaster')).latent).toBeGreaterThan(person - promptHazards(input('a photo of a person')).latent + 2);
  });

  it('understands the common synonym better than the rare name (hair dryer vs hair drier)', () => {
    // Act
    const rare = promptHazards(input('a photo of a hair drier'));
    const common = promptHazards(input('a photo of a hair dryer'));

    // Assess: same scene, same content latent; the name's familiarity lowers the misread hazard
    expect(readPrompt('a photo of a hair dryer').parsed.spec.include).toEqual(readPrompt('a photo of a hair drier').parsed.spec.include);
    expect((rare.misread[0] ?? 0) - rare.latent).toBeGreaterThan((common.misread[0] ?? 0) - common.latent + 1.5);
  });

  it('neglects the later-mentioned object more (Attend-and-Excite), and unrelated pairs more than related ones', () => {
    // Act
    const hazards = promptHazards(input('a photo of a fork and a knife'));
    const swapped = promptHazards(input('a photo of a knife and a fork'));
    const unrelated = promptHazards(input('a photo of a fork and a giraffe'));

    // Assess: the fork mentioned second is neglected one logit more than the fork mentioned first
    expect((swapped.neglect[1] ?? 0) - swapped.latent - ((hazards.neglect[0] ?? 0) - hazards.latent)).toBeCloseTo(1, 6);
    expect((unrelated.neglect[0] ?? 0) - unrelated.latent).toBeGreaterThan((hazards.neglect[0] ?? 0) - hazards.latent + 0.5);
  });

  it('makes unusual colours and larger counts harder', () => {
    // Act
    const brownBear = promptHazards(input('a photo of a brown bear'));
    const purpleBear = promptHazards(input('a photo of a purple bear'));
    const two = promptHazards(input('a photo of two clocks'));
    const four = promptHazards(input('a photo of four clocks'));

    // Assess (facts only: subtract each scene's latent)
    expect((purpleBear.color[0] ?? 0) - purpleBear.latent).toBeGreaterThan((brownBear.color[0] ?? 0) - brownBear.latent + 2);
    expect((four.count[0] ?? 0) - four.latent).toBeGreaterThan((two.count[0] ?? 0) - two.latent + 1);
  });

  it('never draws what comes after CLIP\'s 77-token window', () => {
    // Prepare: a long prompt naming the dog after 80 tokens of style
    const long = `a photo of a cat, ${'highly detailed, '.repeat(30)}and a dog`;

    // Act
    const modes = sceneModes(input(long));

    // Assess
    expect(readPrompt(long).truncated).toBe(true);
    expect(modes.every((mode) => mode.spec.include.every((object) => object.class !== 'dog'))).toBe(true);
    expect(sceneModes(input('a photo of a cat and a dog'))[0]?.spec.include.map((object) => object.class)).toEqual(['cat', 'dog']);
  });

  it('uses the six fitted base hazards', () => {
    // Assess
    expect(Object.keys(FITTED_BASE_HAZARDS).sort()).toEqual(['binding', 'color', 'count', 'misread', 'neglect', 'relation']);
  });
});

describe('substituteOf', () => {
  it('draws a misread class as a more frequent look-alike of its COCO supercategory', () => {
    // Assess
    expect(substituteOf('person')).toBeUndefined();
    const bear = substituteOf('bear');
    expect(['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'zebra', 'giraffe']).toContain(bear);
    expect(['book', 'clock', 'vase', 'scissors', 'teddy bear', 'toothbrush']).toContain(substituteOf('hair drier'));
  });
});
