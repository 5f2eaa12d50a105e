import { describe, expect, it } from 'vitest';
import { COCO_CLASSES } from '../../../src/reference-world/scene/coco-classes.js';
import { GENEVAL_SUITE_COUNTS, generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';

describe('generateGenevalSuite', () => {
  it('makes 553 specs with GenEval\'s categories and proportions', () => {
    // Act
    const suite = generateGenevalSuite();

    // Assess
    expect(suite).toHaveLength(553);
    const counts: Record<string, number> = {};
    for (const spec of suite) counts[spec.tag ?? 'none'] = (counts[spec.tag ?? 'none'] ?? 0) + 1;
    expect(counts).toEqual(GENEVAL_SUITE_COUNTS);
  });

  it('uses only COCO classes and GenEval phrasing', () => {
    // Act
    const suite = generateGenevalSuite(3);

    // Assess
    for (const spec of suite) {
      expect(spec.prompt).toMatch(/^a photo of (a|an|two|three|four) /);
      for (const object of spec.include) expect(COCO_CLASSES).toContain(object.class);
    }
    expect(new Set(suite.filter((spec) => spec.tag === 'single_object').map((spec) => spec.include[0]?.class)).size).toBe(80);
    expect(suite.find((spec) => spec.tag === 'counting')?.exclude).toHaveLength(1);
  });

  it('is deterministic per seed and differs across seeds', () => {
    // Act
    const first = generateGenevalSuite(5);
    const again = generateGenevalSuite(5);
    const other = generateGenevalSuite(6);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});

describe('loadGenevalPrompts', () => {
  it('reads the metadata file named by DIFFALIGN_GENEVAL_METADATA', async () => {
    // Prepare
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadGenevalPrompts } = await import('../../bench/geneval-prompts.js');
    const directory = mkdtempSync(join(tmpdir(), 'geneval-'));
    const path = join(directory, 'metadata.jsonl');
    const specs = generateGenevalSuite(8).slice(0, 12);
    writeFileSync(path, `${specs.map((spec) => JSON.stringify(spec)).join('\n')}\n`);
    const previous = process.env.DIFFALIGN_GENEVAL_METADATA;
    process.env.DIFFALIGN_GENEVAL_METADATA = path;

    // Act
    let loaded: ReturnType<typeof loadGenevalPrompts>;
    try {
      loaded = loadGenevalPrompts();
    } finally {
      if (previous === undefined) delete process.env.DIFFALIGN_GENEVAL_METADATA;
      else process.env.DIFFALIGN_GENEVAL_METADATA = previous;
      rmSync(directory, { recursive: true, force: true });
    }

    // Assess
    expect(loaded).toEqual({ source: 'official', path, specs });
  });

  it('rejects malformed metadata, naming the line', async () => {
    // Prepare
    const { parseGenevalMetadata } = await import('../../bench/geneval-prompts.js');

    // Act / Assess
    expect(() => parseGenevalMetadata('{"include": [{"class": "dog", "count": 1}]}\n{"include": [{"class": "dog", "count": 1, "color": "teal"}]}')).toThrow(/line 2/);
  });
});
