import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { harvest } from '../../src/harvest/index.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

const EVENTS = 2000;
const BATCH = 20;
const CLIENTS = 4;

describe('feedback through a crash (a real server process killed -9 mid-load, fs storage, then the harvest)', () => {
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.stop();
  });

  it('finds every event that got a 202, none twice, after 2,000 events with a kill -9 and restart in the middle', async () => {
    // Prepare
    const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-feedback-crash-')), 'data');
    const env = { DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_LOG_LEVEL: 'warn', DIFFALIGN_REFERENCE_THREADS: '1' };
    server = await startServer(env);
    const generation = (await (
      await fetch(`${server.baseUrl}/v1/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a photo of a red apple', search: { budget: 4 }, width: 64, height: 64 }),
      })
    ).json()) as { id: string };
    const batches = Array.from({ length: EVENTS / BATCH }, (_, batch) =>
      Array.from({ length: BATCH }, (_, index) => ({
        type: (['impression', 'select', 'download', 'dismiss'] as const)[index % 4],
        generation_id: generation.id,
        candidate_id: `c00${index % 4}`,
        app_user: `u-${batch % 13}`,
        consent: true,
        client_event_id: `ev-${batch}-${index}`,
      })),
    );
    const acknowledged = new Set<string>();
    let restarting: Promise<void> | null = null;
    let sent = 0;
    let killedPid: number | undefined;
    const base = (): string => server!.baseUrl;
    // Act: clients send batches; after a quarter of them the server is killed -9 and restarted, and every
    // batch that got no 202 is sent again (same client event ids), as a client with retries would
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let batch = next++; batch < batches.length; batch = next++) {
          for (let attempt = 0; ; attempt += 1) {
            if (restarting) await restarting;
            sent += 1;
            if (sent === batches.length / 4) {
              restarting = (async () => {
                killedPid = server!.pid;
                await server!.stop('SIGKILL');
                server = await startServer(env);
              })();
            }
            try {
              const response = await fetch(`${base()}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: batches[batch] }) });
              if (response.status === 202) {
                await response.json();
                for (const event of batches[batch]!) acknowledged.add(event.client_event_id);
                break;
              }
            } catch {
              // connection refused or reset while the server was down: try again
            }
            if (attempt > 50) throw new Error(`batch ${batch} never got a 202`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      }),
    );
    if (restarting) await restarting;
    const out = join(await mkdtemp(join(tmpdir(), 'diffalign-feedback-harvest-')), 'out');
    const result = await harvest({ store: new FsBlobStore(dataDir), tenant: 'default', out, includeAiFeedback: false });
    // Assess
    expect(killedPid).toBeDefined();
    expect(server!.pid).not.toBe(killedPid);
    expect(acknowledged.size).toBe(EVENTS);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(`select client_event_id, count(*) as n from read_parquet('${join(out, 'events.parquet')}') group by client_event_id`)).getRowObjects();
    connection.closeSync();
    const counts = new Map(rows.map((row) => [String(row['client_event_id']), Number(row['n'])]));
    expect(counts.size).toBe(EVENTS);
    for (const id of acknowledged) expect(counts.get(id)).toBe(1);
    expect(result.manifest.counts).toBeDefined();
  }, 180_000);
});
