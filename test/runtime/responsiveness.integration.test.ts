import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeAsyncLoad } from '../support/async-load.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

describe('under load (a real server process on loopback, reference backend on worker threads)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-load-')), 'data');
    server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_HEARTBEAT_MS: '50' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('12 concurrent async 1024² jobs with a 50 ms heartbeat: no poll reads an ended status that later changes, and /healthz answers throughout', async () => {
    // Act
    const observed = await observeAsyncLoad(
      server.baseUrl,
      (index) => ({ prompt: `a photo of ${index % 3 === 0 ? 'two dogs' : 'a red car'} and a blue bench`, seed: index, width: 1024, height: 1024, search: { budget: 2 } }),
      { jobs: 12, pollMs: 50, limitMs: 240_000 },
    );
    // Assess
    expect(observed.finalStatuses).toEqual(Array.from({ length: 12 }, () => 'succeeded'));
    expect(observed.falseFailures).toBe(0);
    expect(observed.healthzMs.length).toBeGreaterThan(0);
    expect(observed.healthzMs.every((ms) => ms !== null)).toBe(true);
  });
});
