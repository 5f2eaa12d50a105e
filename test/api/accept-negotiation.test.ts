import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { negotiateGenerationMediaType } from '../../src/api/accept-negotiation.js';

/** What a generation answer is negotiated to for an `Accept` header (through a real Hono request). */
async function negotiated(accept: string | undefined): Promise<string> {
  const app = new Hono();
  app.get('/', (c) => c.text(negotiateGenerationMediaType(c)));
  const response = await app.request('/', accept === undefined ? {} : { headers: { accept } });
  return response.text();
}

describe('negotiateGenerationMediaType', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['text/event-stream', 'text/event-stream'],
    ['text/event-stream;q=0.1, application/json', 'application/json'],
    ['application/json;q=0.5, text/event-stream', 'text/event-stream'],
    ['text/event-stream;q=0.5, */*', 'application/json'],
    ['text/event-stream, */*;q=0.1', 'text/event-stream'],
    ['text/event-stream, application/json', 'text/event-stream'],
    ['application/json, text/event-stream', 'application/json'],
    ['text/event-stream;q=0', 'application/json'],
    ['text/*', 'text/event-stream'],
    ['text/*;q=0.9, text/event-stream;q=0', 'application/json'],
    ['*/*', 'application/json'],
    ['image/png', 'application/json'],
    ['TEXT/EVENT-STREAM', 'text/event-stream'],
  ])('answers Accept %j with %s', async (accept, expected) => {
    // Act
    const chosen = await negotiated(accept);
    // Assess
    expect(chosen).toBe(expected);
  });
});
