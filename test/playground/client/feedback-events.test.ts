import { describe, expect, it } from 'vitest';
import { feedbackBatchSchema } from '../../../src/api/schemas/feedback.js';
import { compareEvent, pickEvents } from '../../../src/playground/client/feedback-events.js';

const GENERATION = '01a233f0-7b34-76cf-8a1c-7df80ce7f71b';
const source = { appUser: 'pg-0a1b2c3d4e5f', sessionId: 'a1b2c3d4e5f6', now: () => new Date('2026-12-01T12:00:00.000Z') };

describe('feedback events of the playground', () => {
  describe('pickEvents', () => {
    it('is a select of the pick and an impression of every other image shown, consented, as the API accepts them', () => {
      // Act
      const events = pickEvents(source, GENERATION, 'c002', ['c000', 'c001', 'c002', 'c001']);
      // Assess
      expect(feedbackBatchSchema.safeParse({ events }).success).toBe(true);
      expect(events.map((event) => [event.type, event.candidate_id])).toEqual([
        ['impression', 'c000'],
        ['impression', 'c001'],
        ['select', 'c002'],
      ]);
      expect(events.every((event) => event.consent === true && event.app_user === source.appUser && event.occurred_at === '2026-12-01T12:00:00.000Z')).toBe(true);
    });

    it('names each event by what it says, so the same pick sent twice is counted once', () => {
      // Act
      const first = pickEvents(source, GENERATION, 'c002', ['c000', 'c002']);
      const again = pickEvents({ ...source, now: () => new Date() }, GENERATION, 'c002', ['c000', 'c002']);
      const other = pickEvents(source, GENERATION, 'c000', ['c000', 'c002']);
      // Assess
      expect(again.map((event) => event.client_event_id)).toEqual(first.map((event) => event.client_event_id));
      expect(other.find((event) => event.type === 'select')!.client_event_id).not.toBe(first.find((event) => event.type === 'select')!.client_event_id);
      expect(first.every((event) => event.client_event_id!.length <= 128)).toBe(true);
    });
  });

  describe('compareEvent', () => {
    it('is a compare of the two shown with the choice or a tie, as the API accepts it; a changed verdict is a new event', () => {
      // Act
      const right = compareEvent(source, GENERATION, ['c000', 'c003'], 'c003');
      const tie = compareEvent(source, GENERATION, ['c000', 'c003'], 'tie');
      // Assess
      expect(feedbackBatchSchema.safeParse({ events: [right, tie] }).success).toBe(true);
      expect(right).toMatchObject({ type: 'compare', candidate_ids: ['c000', 'c003'], choice: 'c003', consent: true });
      expect(tie.choice).toBe('tie');
      expect(tie.client_event_id).not.toBe(right.client_event_id);
    });
  });
});
