import { describe, expect, it } from 'vitest';
import { buildOpt2iMessages, type Opt2iHistoryEntry } from '../../../src/engine/index.js';
import { readOpt2iMetaPrompt } from '../../../src/reference-world/prompt-models/opt2i-meta-prompt-reader.js';
import { reviseFromMetaPrompt, type Opt2iRevision } from '../../../src/reference-world/prompt-models/opt2i-reviser.js';
import { REVISION_MISTAKE_RATES } from '../../../src/reference-world/prompt-models/revision-mistakes.js';
import { generateGenevalSuite } from '../../../src/reference-world/scene/geneval-suite.js';
import type { GenevalSpec } from '../../../src/reference-world/scene/geneval-spec.js';
import { parsePrompt } from '../../../src/reference-world/scene/prompt-parser.js';

/** The reviser's revisions for the engine's own meta-prompt, over several seeds. */
function revise(initial: string, history: readonly Opt2iHistoryEntry[], seeds: readonly number[], count = 5, temperature = 1): Opt2iRevision[] {
  const messages = buildOpt2iMessages(initial, history, count);
  const conversation = messages.map((message) => `${message.role}:${message.content}`).join('\n');
  return seeds.flatMap((seed) => reviseFromMetaPrompt(readOpt2iMetaPrompt(messages), { temperature, seed, conversation }));
}

const SEEDS = Array.from({ length: 12 }, (_, index) => index);

/** Styles read off the text with regexes of the test's own (not the reviser's feature detector). */
const isLayout = (prompt: string): boolean => /\bon the (?:left|right)\b.*\band\b.*\bon the (?:left|right)\b/.test(prompt);
const isExactCount = (prompt: string): boolean => /\b(?:exactly|precisely)\b/.test(prompt);
const isColourClause = (prompt: string): boolean => /\b(?:that (?:is|are)|in|painted) (?:red|orange|yellow|green|blue|purple|pink|brown|black|white)\b/.test(prompt);
const share = (revisions: readonly Opt2iRevision[], test: (prompt: string) => boolean): number => revisions.filter((revision) => test(revision.prompt)).length / revisions.length;

/** Order-free facts of a prompt as the world's parser reads it (same-class groups merged, relations both ways). */
function worldFacts(prompt: string): string {
  const spec: GenevalSpec = parsePrompt(prompt).spec;
  const inverse: Record<string, string> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above' };
  const groups = new Map<string, { count: number; color: string }>();
  const relations: string[] = [];
  for (const object of spec.include) {
    const group = groups.get(object.class);
    groups.set(object.class, { count: Math.max(group?.count ?? 0, object.count), color: object.color ?? group?.color ?? '' });
    if (object.position !== undefined) {
      const reference = spec.include[object.position[1]]?.class ?? '?';
      relations.push([`${object.class} ${object.position[0]} ${reference}`, `${reference} ${inverse[object.position[0]]} ${object.class}`].sort()[0] ?? '');
    }
  }
  return [...[...groups].map(([name, group]) => `${name}:${group.count}:${group.color}`), ...relations].sort().join('|');
}

describe('reviseFromMetaPrompt', () => {
  describe('the scored history', () => {
    const initial = 'a photo of two dogs left of a cat';
    const layout = 'a photo of two dogs on the left and a cat on the right';
    const counted = 'a photo of exactly two dogs to the left of a cat';
    const history = (layoutScore: number, countedScore: number): Opt2iHistoryEntry[] => [
      { prompt: initial, score: 40, missed: [] },
      { prompt: layout, score: layoutScore, missed: [] },
      { prompt: counted, score: countedScore, missed: [] },
    ];

    it('follows the higher-scored prompt, and swapping two scores swaps what it follows', () => {
      // Act
      const layoutBest = revise(initial, history(80, 30), SEEDS);
      const countedBest = revise(initial, history(30, 80), SEEDS);

      // Assess
      expect(layoutBest.map((revision) => revision.prompt)).not.toEqual(countedBest.map((revision) => revision.prompt));
      expect(share(layoutBest, isLayout)).toBeGreaterThan(0.75);
      expect(share(layoutBest, isExactCount)).toBeLessThan(0.25);
      expect(share(countedBest, isExactCount)).toBeGreaterThan(0.75);
      expect(share(countedBest, isLayout)).toBeLessThan(0.25);
      expect(layoutBest.filter((revision) => revision.parent === layout).length / layoutBest.length).toBeGreaterThan(0.9);
      expect(countedBest.filter((revision) => revision.parent === counted).length / countedBest.length).toBeGreaterThan(0.9);
    });

    it('revises from close runners-up too when the scores are close', () => {
      // Act
      const close = revise(initial, history(62, 60), SEEDS);

      // Assess
      const fromCounted = close.filter((revision) => revision.parent === counted).length / close.length;
      expect(fromCounted).toBeGreaterThan(0.2);
      expect(fromCounted).toBeLessThan(0.8);
    });
  });

  describe("the verifier's feedback", () => {
    /** Share of revisions with a style, with the miss reported and with `missed: none`. */
    const withAndWithout = (initial: string, missed: string, test: (prompt: string) => boolean): { missed: number; none: number } => ({
      missed: share(revise(initial, [{ prompt: initial, score: 40, missed: [missed] }], SEEDS), test),
      none: share(revise(initial, [{ prompt: initial, score: 40, missed: [] }], SEEDS), test),
    });

    it('targets the failing constraint: explicit counts for a count, clauses for a colour, layout for a relation, the neglected object first', () => {
      // Act
      const count = withAndWithout('a photo of four handbags', '4 handbags (found 3)', isExactCount);
      const colour = withAndWithout('a photo of a purple wine glass and a black apple', 'a black apple (found a red apple)', isColourClause);
      const relation = withAndWithout('a photo of a dog right of a teddy bear', 'dog right of teddy bear (found left of)', isLayout);
      // The neglected object is named before the other, or named twice.
      const omission = withAndWithout('a photo of a bench and a sports ball', 'a sports ball (found 0)', (prompt) => prompt.indexOf('sports ball') < prompt.indexOf('bench') || prompt.split('sports ball').length > 2);

      // Assess
      for (const [name, result] of Object.entries({ count, colour, relation, omission })) {
        expect(result.missed, name).toBeGreaterThan(result.none + 0.25);
      }
    });
  });

  describe('its mistakes', () => {
    const suite = generateGenevalSuite(3).filter((_, index) => index % 2 === 0);
    const revisions = suite.flatMap((spec, index) => revise(spec.prompt ?? '', [{ prompt: spec.prompt ?? '', score: 30, missed: [] }], [index]).map((revision) => ({ revision, original: spec.prompt ?? '' })));

    it('breaks a constraint and adds unrequested content at the stated rates (within 4 binomial standard errors)', () => {
      // Prepare
      const n = revisions.length;
      const tolerance = (rate: number): number => 4 * Math.sqrt((rate * (1 - rate)) / n);

      // Act
      const broken = revisions.filter(({ revision }) => revision.mistakes.some((mistake) => mistake !== 'added_content')).length / n;
      const added = revisions.filter(({ revision }) => revision.mistakes.includes('added_content')).length / n;

      // Assess
      expect(n).toBeGreaterThan(1000);
      expect(Math.abs(broken - REVISION_MISTAKE_RATES.constraint)).toBeLessThan(tolerance(REVISION_MISTAKE_RATES.constraint));
      expect(Math.abs(added - REVISION_MISTAKE_RATES.unrequested)).toBeLessThan(tolerance(REVISION_MISTAKE_RATES.unrequested));
    });

    it("changes the prompt's meaning when it breaks a constraint and keeps it otherwise (read back with the world's parser)", () => {
      // Act
      const plain = revisions.filter(({ revision }) => !revision.mistakes.includes('added_content'));
      const faithful = plain.filter(({ revision }) => revision.mistakes.length === 0);
      const broken = plain.filter(({ revision }) => revision.mistakes.length > 0);
      const kept = faithful.filter(({ revision, original }) => worldFacts(revision.prompt) === worldFacts(original)).length / faithful.length;
      const changed = broken.filter(({ revision, original }) => worldFacts(revision.prompt) !== worldFacts(original)).length / broken.length;

      // Assess
      expect(kept).toBeGreaterThan(0.95);
      expect(changed).toBeGreaterThan(0.95);
    });
  });

  it('is deterministic for the same request, seed and temperature, and varies with the seed', () => {
    // Prepare
    const history = [{ prompt: 'a photo of a purple wine glass left of a black apple', score: 30, missed: ['a black apple (found a red apple)'] }];

    // Act
    const first = revise('a photo of a purple wine glass left of a black apple', history, [7]);
    const again = revise('a photo of a purple wine glass left of a black apple', history, [7]);
    const others = [1, 2, 3].map((seed) => revise('a photo of a purple wine glass left of a black apple', history, [seed]));

    // Assess
    expect(again).toEqual(first);
    expect(new Set([first, ...others].map((reply) => JSON.stringify(reply))).size).toBe(4);
  });

  it('proposes distinct prompts, none already in the history, also at temperature 0', () => {
    // Prepare
    const initial = 'a photo of three cups and a blue clock';

    // Act
    const greedy = revise(initial, [{ prompt: initial, score: 20, missed: ['3 cups (found 2)'] }], [0], 5, 0);

    // Assess
    expect(greedy).toHaveLength(5);
    expect(new Set(greedy.map((revision) => revision.prompt.toLowerCase())).size).toBe(5);
    expect(greedy.map((revision) => revision.prompt)).not.toContain(initial);
  });
});
