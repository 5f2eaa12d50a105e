import { describe, expect, it } from 'vitest';
import { renderEvent } from '../../src/api/generation-events.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';

const ID = '01a233b7-bbf3-7334-aa69-9d80f0535482';
const recordIn = (status: GenerationRecord['status']): GenerationRecord => ({ id: ID, status }) as GenerationRecord;

describe('renderEvent', () => {
  it.each([
    ['queued', 'queued'],
    ['running', 'running'],
    ['succeeded', 'running'],
  ] as const)('the accepted event of a %s record says %s', (status, said) => {
    // Act
    const event = renderEvent({ id: 1, event: 'accepted' }, recordIn(status));
    // Assess
    expect(event).toEqual({ id: 1, event: 'accepted', data: { id: ID, status: said, location: `/v1/generations/${ID}` } });
  });
});
