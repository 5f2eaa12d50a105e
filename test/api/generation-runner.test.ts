import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, observedRecord, STALE_AFTER_BEATS } from '../../src/api/generation-runner.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';

const running = (heartbeatMs: number): GenerationRecord => ({
  id: 'x',
  object: 'generation',
  status: 'running',
  prompt: 'p',
  final_prompt: null,
  best: null,
  images: [],
  candidates: [],
  trace: [],
  usage: null,
  truncated: false,
  warnings: [],
  request: {},
  created_at: new Date(0).toISOString(),
  completed_at: null,
  heartbeat_at: new Date(heartbeatMs).toISOString(),
});

const STALE_AFTER_MS = STALE_AFTER_BEATS * HEARTBEAT_MS;

describe('observedRecord', () => {
  it('keeps a running record whose worker is alive', () => {
    expect(observedRecord(running(10_000), 10_000 + STALE_AFTER_MS).status).toBe('running');
  });

  it('reports a running record whose worker stopped heart-beating as failed: interrupted', () => {
    // Act
    const observed = observedRecord(running(10_000), 10_001 + STALE_AFTER_MS);
    // Assess
    expect(observed.status).toBe('failed');
    expect(observed.error?.code).toBe('interrupted');
    expect(observed.heartbeat_at).toBeUndefined();
  });
});
