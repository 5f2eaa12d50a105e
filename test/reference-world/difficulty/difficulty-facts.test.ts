import { describe, expect, it } from 'vitest';
import { approximateTokenCount, CLIP_CONTENT_TOKENS, clipWindow } from '../../../src/reference-world/difficulty/clip-tokens.js';
import { classRarity, COCO_SUPERCATEGORIES, COCO_TRAIN_INSTANCES, contextAffinity } from '../../../src/reference-world/difficulty/coco-statistics.js';
import { colorAtypicality } from '../../../src/reference-world/difficulty/color-typicality.js';
import { contentKey, latentDifficulty } from '../../../src/reference-world/difficulty/prompt-latent-difficulty.js';
import { sceneLogPrior } from '../../../src/reference-world/difficulty/scene-prior.js';
import { nameFamiliarity } from '../../../src/reference-world/difficulty/word-familiarity.js';
import { COCO_CLASSES } from '../../../src/reference-world/scene/coco-classes.js';

describe('COCO statistics', () => {
  it('has an instance count and one supercategory for each of the 80 classes', () => {
    // Assess
    expect(Object.keys(COCO_TRAIN_INSTANCES).sort()).toEqual([...COCO_CLASSES].sort());
    expect(Object.values(COCO_SUPERCATEGORIES).flat().sort()).toEqual([...COCO_CLASSES].sort());
  });

  it('ranks rarity from person (0) to hair drier (1)', () => {
    // Assess
    expect(classRarity('person')).toBe(0);
    expect(classRarity('hair drier')).toBe(1);
    expect(classRarity('toaster')).toBeGreaterThan(classRarity('dog'));
  });

  it('puts kitchen things together and giraffes far from toasters', () => {
    // Assess
    expect(contextAffinity('fork', 'knife')).toBe(1);
    expect(contextAffinity('cup', 'pizza')).toBeGreaterThan(contextAffinity('giraffe', 'toaster'));
    expect(contextAffinity('giraffe', 'toaster')).toBe(0);
    expect(contextAffinity('person', 'toaster')).toBeGreaterThanOrEqual(0.2);
  });
});

describe('colorAtypicality', () => {
  it('is 0 for a usual colour and large for an unusual one', () => {
    // Assess
    expect(colorAtypicality('bear', 'brown')).toBe(0);
    expect(colorAtypicality('bear', 'purple')).toBeGreaterThan(0.8);
    expect(colorAtypicality('banana', 'green')).toBe(0);
  });
});

describe('clipWindow', () => {
  it('keeps a short prompt whole and cuts a long one after 75 content tokens', () => {
    // Prepare
    const long = `${'word '.repeat(100)}dog`;

    // Act
    const short = clipWindow('A photo of a cat');
    const cut = clipWindow(long);

    // Assess
    expect(short).toEqual({ text: 'a photo of a cat', tokens: 5, truncated: false });
    expect(cut.truncated).toBe(true);
    expect(cut.text.split(' ')).toHaveLength(CLIP_CONTENT_TOKENS);
    expect(cut.text).not.toContain('dog');
  });

  it('counts long words, digits and punctuation as more tokens (a BPE approximation)', () => {
    // Assess
    expect(approximateTokenCount('dog')).toBe(1);
    expect(approximateTokenCount('photorealistic')).toBe(2);
    expect(approximateTokenCount('2024')).toBe(4);
    expect(approximateTokenCount(',')).toBe(1);
  });
});

describe('nameFamiliarity', () => {
  it('scores the name a prompt uses, singular or plural', () => {
    // Assess
    expect(nameFamiliarity('a photo of a hair drier', 'hair drier')).toBeLessThan(0.1);
    expect(nameFamiliarity('two hair dryers on a shelf', 'hair drier')).toBe(1);
    expect(nameFamiliarity('a photo of a sofa', 'couch')).toBe(1);
    expect(nameFamiliarity('a photo of a couch', 'couch')).toBeLessThan(1);
    expect(nameFamiliarity('a photo of a dog', 'dog')).toBe(1);
  });
});

describe('latentDifficulty', () => {
  it('shares the content part between wordings of a scene and is heavy-tailed over scenes', () => {
    // Prepare
    const spec = (index: number) => ({ include: [{ class: COCO_CLASSES[index % 80] ?? 'dog', count: 1 + (index % 3) }, { class: COCO_CLASSES[(index * 7 + 3) % 80] ?? 'cat', count: 1 }] });

    // Act
    const a = latentDifficulty(spec(5), 'a photo of one thing and another');
    const b = latentDifficulty(spec(5), 'another wording entirely');
    const contents = Array.from({ length: 2000 }, (_, index) => latentDifficulty(spec(index), `prompt ${index}`).content);

    // Assess
    expect(a.content).toBe(b.content);
    expect(a.wording).not.toBe(b.wording);
    const mean = contents.reduce((sum, value) => sum + value, 0) / contents.length;
    const variance = contents.reduce((sum, value) => sum + (value - mean) ** 2, 0) / contents.length;
    const kurtosis = contents.reduce((sum, value) => sum + (value - mean) ** 4, 0) / contents.length / variance ** 2;
    expect(kurtosis).toBeGreaterThan(4);
    expect(contentKey(spec(5))).toBe(contentKey({ include: [...spec(5).include] }));
  });
});

describe('sceneLogPrior', () => {
  it('prefers frequent classes, fewer objects and usual colours', () => {
    // Assess
    expect(sceneLogPrior({ include: [{ class: 'dog', count: 1 }] })).toBeGreaterThan(sceneLogPrior({ include: [{ class: 'toaster', count: 1 }] }));
    expect(sceneLogPrior({ include: [{ class: 'dog', count: 1 }] })).toBeGreaterThan(sceneLogPrior({ include: [{ class: 'dog', count: 3 }] }));
    expect(sceneLogPrior({ include: [{ class: 'bear', count: 1, color: 'brown' }] })).toBeGreaterThan(sceneLogPrior({ include: [{ class: 'bear', count: 1, color: 'purple' }] }));
  });
});
