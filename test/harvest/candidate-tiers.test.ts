import { describe, expect, it } from 'vitest';
import { candidateTiers } from '../../src/harvest/candidate-tiers.js';
import { event } from './harvest-fixtures.js';

const known = new Set(['c000', 'c001', 'c002', 'c003']);
const tierOf = (events: Parameters<typeof candidateTiers>[0]): Record<string, string> =>
  Object.fromEntries([...candidateTiers(events, known).tiers].map(([id, evidence]) => [id, `${evidence.tier}/${evidence.signal}`]));

describe('candidateTiers', () => {
  it('ranks download/share/upscale as kept, then select, rate 4-5, impression, and dismiss / rate 1-2 as rejected', () => {
    // Prepare
    const events = [
      event({ type: 'download', candidateId: 'c000' }),
      event({ type: 'select', candidateId: 'c001' }),
      event({ type: 'rate', candidateId: 'c002', rating: 5 }),
      event({ type: 'impression', candidateId: 'c003' }),
    ];
    // Act
    const tiers = tierOf(events);
    // Assess
    expect(tiers).toEqual({ c000: 'kept/download', c001: 'selected/select', c002: 'liked/rate', c003: 'shown/impression' });
  });

  it('lets the strongest signal win on one candidate: a positive action over a dismissal, a dismissal over an impression', () => {
    // Prepare
    const events = [
      event({ type: 'impression', candidateId: 'c000' }),
      event({ type: 'dismiss', candidateId: 'c000' }),
      event({ type: 'dismiss', candidateId: 'c001' }),
      event({ type: 'share', candidateId: 'c001' }),
    ];
    // Act
    const tiers = tierOf(events);
    // Assess
    expect(tiers).toEqual({ c000: 'rejected/dismiss', c001: 'kept/share' });
  });

  it('counts the latest rating of a candidate, and a 3 as merely shown', () => {
    // Prepare
    const events = [
      event({ type: 'rate', candidateId: 'c000', rating: 5 }),
      event({ type: 'rate', candidateId: 'c000', rating: 1 }),
      event({ type: 'rate', candidateId: 'c001', rating: 3 }),
    ];
    // Act
    const tiers = tierOf(events);
    // Assess
    expect(tiers).toEqual({ c000: 'rejected/rate', c001: 'shown/impression' });
  });

  it('turns what the user was shown into weak negatives on regenerate, but not what they selected or downloaded', () => {
    // Prepare
    const events = [
      event({ type: 'impression', candidateId: 'c000' }),
      event({ type: 'impression', candidateId: 'c001' }),
      event({ type: 'select', candidateId: 'c001' }),
      event({ type: 'regenerate' }),
      event({ type: 'regenerate', candidateId: 'c002' }),
    ];
    // Act
    const tiers = tierOf(events);
    // Assess
    expect(tiers).toEqual({ c000: 'regenerated/regenerate', c001: 'selected/select', c002: 'regenerated/regenerate' });
  });

  it('ignores and counts events naming a candidate the generation does not have', () => {
    // Prepare
    const events = [event({ type: 'download', candidateId: 'c999' }), event({ type: 'impression', candidateId: 'c000' })];
    // Act
    const result = candidateTiers(events, known);
    // Assess
    expect(result.ignored).toBe(1);
    expect([...result.tiers.keys()]).toEqual(['c000']);
  });
});
