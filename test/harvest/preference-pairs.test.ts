import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, SIGNAL_WEIGHTS } from '../../src/harvest/harvest-rules.js';
import { aiRewardPairs, humanPairs, pairKey } from '../../src/harvest/preference-pairs.js';
import { candidate, event, generation, triples } from './harvest-fixtures.js';

const known = new Set(['c000', 'c001', 'c002', 'c003']);

describe('humanPairs', () => {
  it('prefers a downloaded image over one only shown, weighted as a download', () => {
    // Prepare
    const events = [event({ type: 'impression', candidateId: 'c000' }), event({ type: 'impression', candidateId: 'c001' }), event({ type: 'download', candidateId: 'c001' })];
    // Act
    const { pairs } = humanPairs('g1', 'alice', events, known);
    // Assess
    expect(triples(pairs)).toEqual(['c001>c000:download']);
    expect(pairs[0]).toMatchObject({ weight: SIGNAL_WEIGHTS.download, aiFeedback: false, appUser: 'alice', generationId: 'g1' });
    expect(pairs[0]!.eventIds).toEqual([events[2]!.eventId, events[0]!.eventId]);
    expect(pairs[0]!.decidedAt).toBe(events[2]!.receivedAt);
  });

  it('orders every tier: download > select > rate 4-5 > impression > dismiss, each pair once', () => {
    // Prepare
    const events = [
      event({ type: 'download', candidateId: 'c000' }),
      event({ type: 'select', candidateId: 'c001' }),
      event({ type: 'impression', candidateId: 'c002' }),
      event({ type: 'dismiss', candidateId: 'c003' }),
    ];
    // Act
    const { pairs } = humanPairs('g1', 'alice', events, known);
    // Assess
    expect(triples(pairs)).toEqual([
      'c000>c001:download',
      'c000>c002:download',
      'c000>c003:download',
      'c001>c002:select',
      'c001>c003:select',
      'c002>c003:dismiss',
    ]);
  });

  it('makes a shown-then-regenerated image lose to a selected one and beat a dismissed one (regenerate = weak negative)', () => {
    // Prepare
    const events = [
      event({ type: 'impression', candidateId: 'c000' }),
      event({ type: 'select', candidateId: 'c001' }),
      event({ type: 'dismiss', candidateId: 'c002' }),
      event({ type: 'regenerate' }),
    ];
    // Act
    const { pairs, tiers } = humanPairs('g1', 'alice', events, known);
    // Assess
    expect(tiers.get('c000')?.tier).toBe('regenerated');
    expect(triples(pairs)).toEqual(['c001>c000:select', 'c000>c002:dismiss', 'c001>c002:select']);
  });

  it('takes a compare as an explicit pair that overrides what the tiers say', () => {
    // Prepare
    const events = [
      event({ type: 'download', candidateId: 'c000' }),
      event({ type: 'impression', candidateId: 'c001' }),
      event({ type: 'compare', candidateIds: ['c000', 'c001'], choice: 'c001' }),
    ];
    // Act
    const { pairs } = humanPairs('g1', 'alice', events, known);
    // Assess
    expect(triples(pairs)).toEqual(['c001>c000:compare']);
    expect(pairs[0]!.weight).toBe(SIGNAL_WEIGHTS.compare);
    expect(pairs[0]!.eventIds).toEqual([events[2]!.eventId]);
  });

  it('drops ties (no pair, even where the tiers differ) and counts them', () => {
    // Prepare
    const events = [
      event({ type: 'download', candidateId: 'c000' }),
      event({ type: 'impression', candidateId: 'c001' }),
      event({ type: 'compare', candidateIds: ['c000', 'c001'], choice: 'tie' }),
      event({ type: 'compare', candidateIds: ['c002', 'c003'], choice: 'tie' }),
    ];
    // Act
    const result = humanPairs('g1', 'alice', events, known);
    // Assess
    expect(result.pairs).toEqual([]);
    expect(result.ties).toBe(2);
  });

  it('lets compare votes decide by majority and drops an even split as conflicting', () => {
    // Prepare
    const events = [
      event({ type: 'compare', candidateIds: ['c000', 'c001'], choice: 'c000' }),
      event({ type: 'compare', candidateIds: ['c001', 'c000'], choice: 'c000' }),
      event({ type: 'compare', candidateIds: ['c000', 'c001'], choice: 'c001' }),
      event({ type: 'compare', candidateIds: ['c002', 'c003'], choice: 'c002' }),
      event({ type: 'compare', candidateIds: ['c002', 'c003'], choice: 'c003' }),
    ];
    // Act
    const result = humanPairs('g1', 'alice', events, known);
    // Assess
    expect(triples(result.pairs)).toEqual(['c000>c001:compare']);
    expect(result.pairs[0]!.eventIds).toEqual([events[0]!.eventId, events[1]!.eventId]);
    expect(result.conflicting).toBe(1);
  });

  it('ignores a compare naming an unknown candidate or a choice outside the two', () => {
    // Prepare
    const events = [
      event({ type: 'compare', candidateIds: ['c000', 'c999'], choice: 'c000' }),
      event({ type: 'compare', candidateIds: ['c000', 'c001'], choice: 'c002' }),
    ];
    // Act
    const result = humanPairs('g1', 'alice', events, known);
    // Assess
    expect(result.pairs).toEqual([]);
    expect(result.ignored).toBe(2);
  });
});

describe('aiRewardPairs', () => {
  const scored = generation([candidate('c000', 1), candidate('c001', 0.6), candidate('c002', 0.45), candidate('c003', 0)]);

  it('pairs candidates only when the reward margin is above the threshold, largest margin first, flagged as AI feedback', () => {
    // Act
    const pairs = aiRewardPairs(scored, { ...DEFAULT_THRESHOLDS, aiMarginThreshold: 0.5 });
    // Assess
    expect(triples(pairs)).toEqual(['c000>c003:ai_reward', 'c001>c003:ai_reward', 'c000>c002:ai_reward']);
    expect(pairs.every((pair) => pair.aiFeedback && pair.weight === SIGNAL_WEIGHTS.ai_reward && pair.eventIds.length === 0)).toBe(true);
    expect(pairs.map((pair) => pair.rewardMargin)).toEqual([1, 0.6, 0.55]);
  });

  it('needs a margin strictly above the threshold', () => {
    // Prepare
    const edge = generation([candidate('c000', 1), candidate('c001', 0.5)]);
    // Act
    const pairs = aiRewardPairs(edge, { ...DEFAULT_THRESHOLDS, aiMarginThreshold: 0.5 });
    // Assess
    expect(pairs).toEqual([]);
  });

  it('leaves out pairs a human judged, unscored candidates, and everything when switched off or capped', () => {
    // Prepare
    const mixed = generation([candidate('c000', 1), candidate('c001', 0), candidate('c002', null, { status: 'failed' }), candidate('c003', 0.1)]);
    // Act
    const covered = aiRewardPairs(mixed, DEFAULT_THRESHOLDS, new Set([pairKey('c001', 'c000')]));
    const off = aiRewardPairs(mixed, { ...DEFAULT_THRESHOLDS, includeAiFeedback: false });
    const capped = aiRewardPairs(mixed, { ...DEFAULT_THRESHOLDS, aiMaxPairsPerGeneration: 1 });
    // Assess
    expect(triples(covered)).toEqual(['c000>c003:ai_reward']);
    expect(off).toEqual([]);
    expect(triples(capped)).toEqual(['c000>c001:ai_reward']);
  });
});
