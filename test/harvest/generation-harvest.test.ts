import { describe, expect, it } from 'vitest';
import { harvestGeneration } from '../../src/harvest/generation-harvest.js';
import { toHarvestGeneration } from '../../src/harvest/harvest-generation.js';
import { DEFAULT_THRESHOLDS } from '../../src/harvest/harvest-rules.js';
import { listwiseRanking } from '../../src/harvest/listwise-ranking.js';
import { candidate, event, generation, triples } from './harvest-fixtures.js';

describe('harvestGeneration', () => {
  it('judges each app user apart: one user\'s impressions say nothing about another\'s downloads', () => {
    // Prepare
    const scored = generation([candidate('c000', 0.5), candidate('c001', 0.5)]);
    const events = [
      event({ type: 'impression', candidateId: 'c001', appUser: 'alice' }),
      event({ type: 'download', candidateId: 'c000', appUser: 'alice' }),
      event({ type: 'impression', candidateId: 'c000', appUser: 'bob' }),
      event({ type: 'download', candidateId: 'c001', appUser: 'bob' }),
    ];
    // Act
    const result = harvestGeneration(scored, events, DEFAULT_THRESHOLDS);
    // Assess
    expect(result.pairs.map((pair) => `${pair.appUser}:${pair.preferred}>${pair.rejected}`)).toEqual(['alice:c000>c001', 'bob:c001>c000']);
    expect(result.kto.map((label) => label.split)).toEqual(['intersections', 'intersections']);
  });

  it('adds AI pairs only where no human judged the two, and ignores events about failed candidates', () => {
    // Prepare
    const scored = generation([candidate('c000', 1), candidate('c001', 0.2), candidate('c002', 0), candidate('c003', null, { status: 'failed' })]);
    const events = [event({ type: 'download', candidateId: 'c002' }), event({ type: 'impression', candidateId: 'c000' }), event({ type: 'select', candidateId: 'c003' })];
    // Act
    const result = harvestGeneration(scored, events, DEFAULT_THRESHOLDS);
    // Assess
    expect(triples(result.pairs)).toEqual(['c002>c000:download', 'c000>c001:ai_reward']);
    expect(result.ignoredEvents).toBe(1);
    expect(result.ranking?.candidates.map((c) => c.id)).toEqual(['c000', 'c001', 'c002']);
  });
});

describe('listwiseRanking', () => {
  it('orders scored candidates by reward, ties by id, and needs two of them', () => {
    // Act
    const ranking = listwiseRanking(generation([candidate('c002', 0.5), candidate('c000', 0.5), candidate('c001', 1), candidate('c003', null)]));
    const single = listwiseRanking(generation([candidate('c000', 1)]));
    // Assess
    expect(ranking?.candidates.map((c) => c.id)).toEqual(['c001', 'c000', 'c002']);
    expect(single).toBeNull();
  });
});

describe('toHarvestGeneration', () => {
  it('reads a stored record (extra event_log/owner fields ignored) and rejects what is not one', () => {
    // Prepare
    const document = {
      id: '0190f0e0-0000-7000-8000-000000000001',
      prompt: 'a cat',
      final_prompt: 'a cat, photo',
      metadata: { app_user: 'u-1' },
      created_at: '2024-05-01T00:00:00.000Z',
      event_log: [{ type: 'x' }],
      owner: { instance: 'i' },
      candidates: [{ id: 'c000', status: 'scored', prompt: 'a cat, photo', noise: { terms: [{ seed: 7, weight: 1 }] }, steps: 20, guidance: 5, phase: 'search', scores: { geneval: 1 }, reward: 1 }],
    };
    // Act
    const parsed = toHarvestGeneration(document);
    // Assess
    expect(parsed).toMatchObject({ id: document.id, prompt: 'a cat', finalPrompt: 'a cat, photo', appUser: 'u-1' });
    expect(parsed?.candidates[0]).toMatchObject({ id: 'c000', noise: { terms: [{ seed: 7, weight: 1 }] }, reward: 1, mediaType: 'image/png' });
    expect(toHarvestGeneration({ prompt: 'no id' })).toBeNull();
  });
});
