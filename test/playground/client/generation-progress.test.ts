import { describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../../src/api/schemas/generation-record.js';
import type { GenerationEvent } from '../../../src/playground/client/api-client.js';
import { GenerationProgress } from '../../../src/playground/client/generation-progress.js';
import { candidate } from './candidates.js';

const ID = '01a233f0-7b34-76cf-8a1c-7df80ce7f71b';

function record(overrides: Partial<GenerationRecord> = {}): GenerationRecord {
  const candidates = [candidate(0, 0.5, { phase: 'prompt', round: 0 }), candidate(1, 1, { phase: 'prompt', round: 1, prompt: 'a photo of a red apple, detailed' })];
  return {
    id: ID,
    object: 'generation',
    status: 'succeeded',
    prompt: 'a photo of a red apple',
    final_prompt: 'a photo of a red apple, detailed',
    best: candidates[1]!,
    images: [candidates[1]!],
    candidates,
    trace: [],
    usage: null,
    truncated: false,
    warnings: [],
    request: {
      prompt: 'a photo of a red apple',
      n: 1,
      width: 64,
      height: 64,
      steps: 20,
      guidance: 5,
      seed: 1,
      prompt_optimization: { method: 'promptist', mode: 'on', rounds: 3, candidates: 5, noises: 4 },
      search: { method: 'best_of_n', budget: 6, search_steps: 20, neighbors: 4, cosine: 0.95, on_stall: 'restart' },
      rewards: [{ model: 'geneval', weight: 1 }],
      aggregate: 'rank',
    },
    created_at: '2026-12-01T12:00:00.000Z',
    completed_at: '2026-12-01T12:00:01.000Z',
    ...overrides,
  };
}

describe('GenerationProgress', () => {
  it('follows the stream: candidates as they finish, the best so far, the prompts, then the final record', () => {
    // Prepare
    const progress = new GenerationProgress(6);
    const events: GenerationEvent[] = [
      { event: 'accepted', id: '1', data: { id: ID, status: 'running', location: `/v1/generations/${ID}` } },
      { event: 'prompt', id: '2', data: { prompt: 'a photo of a red apple', source: 'user', round: 0 } },
      { event: 'candidate', id: '3', data: candidate(1, 0.9) },
      { event: 'best', id: '4', data: candidate(1, 0.9) },
      { event: 'candidate', id: '5', data: candidate(0, null) },
    ];
    // Act
    for (const event of events) progress.apply(event);
    const live = { id: progress.id, ids: progress.candidates.map((each) => each.id), best: progress.best?.id, completed: progress.completed, finished: progress.finished };
    const final = record();
    progress.apply({ event: 'done', id: '6', data: final });
    // Assess
    expect(live).toEqual({ id: ID, ids: ['c001', 'c000'], best: 'c001', completed: 2, finished: false });
    expect(progress.prompts).toEqual([{ prompt: 'a photo of a red apple', source: 'user', round: 0 }]);
    expect(progress.finished).toBe(true);
    expect(progress.candidates).toBe(final.candidates);
    expect(progress.best).toBe(final.best);
  });

  it('keeps the problem of an error event', () => {
    // Prepare
    const progress = new GenerationProgress(2);
    // Act
    progress.apply({ event: 'error', id: '3', data: { type: 'https://diffalign.dev/problems/upstream-failed', title: 'Upstream failed', status: 502, detail: 'every candidate failed', code: 'upstream_failed' } });
    // Assess
    expect(progress.problem?.code).toBe('upstream_failed');
    expect(progress.finished).toBe(false);
  });

  it('is made from a stored record: its budget, candidates, best and the prompts it judged with their source', () => {
    // Act
    const progress = GenerationProgress.fromRecord(record());
    const running = GenerationProgress.fromRecord(record({ status: 'running', completed_at: null }));
    // Assess
    expect(progress.budget).toBe(6);
    expect(progress.finished).toBe(true);
    expect(progress.best?.id).toBe('c001');
    expect(progress.prompts).toEqual([
      { prompt: 'a photo of a red apple', source: 'user', round: 0 },
      { prompt: 'a photo of a red apple, detailed', source: 'promptist', round: 1 },
    ]);
    expect(running.finished).toBe(false);
    expect(running.candidates.map((each) => each.id)).toEqual(['c000', 'c001']);
  });
});
