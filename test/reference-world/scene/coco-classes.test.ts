import { describe, expect, it } from 'vitest';
import { COCO_CLASSES, genevalPluralOf, nounForms, pluralOf } from '../../../src/reference-world/scene/coco-classes.js';

describe('COCO_CLASSES', () => {
  it('lists the 80 distinct COCO classes', () => {
    // Assess
    expect(COCO_CLASSES).toHaveLength(80);
    expect(new Set(COCO_CLASSES).size).toBe(80);
    expect(COCO_CLASSES).toContain('hair drier');
    expect(COCO_CLASSES).toContain('computer keyboard');
  });
});

describe('pluralOf', () => {
  it('forms English plurals, irregular ones included', () => {
    // Act
    const plurals = ['person', 'knife', 'sheep', 'skis', 'bus', 'bench', 'wine glass', 'computer mouse', 'dog'].map(pluralOf);

    // Assess
    expect(plurals).toEqual(['people', 'knives', 'sheep', 'skis', 'buses', 'benches', 'wine glasses', 'computer mice', 'dogs']);
  });
});

describe('nounForms', () => {
  it('maps every class name and both plural styles back to the class', () => {
    // Prepare
    const forms = nounForms();

    // Act
    const unmapped = COCO_CLASSES.filter(
      (name) => forms.get(name)?.className !== name || forms.get(pluralOf(name))?.className !== name || forms.get(genevalPluralOf(name))?.className !== name,
    );

    // Assess
    expect(unmapped).toEqual([]);
    expect(forms.get('mice')?.className).toBe('computer mouse');
    expect(forms.get('people')).toEqual({ className: 'person', plural: true, canonical: true });
    expect(forms.get('sofa')?.className).toBe('couch');
  });
});
