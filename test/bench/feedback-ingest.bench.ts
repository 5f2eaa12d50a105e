/**
 * Feedback ingest over loopback (`npm run bench feedback-ingest`): the real server process (fs storage),
 * one generation, then batches of feedback events POSTed with a few clients at once; prints events/s and
 * batches/s for several batch sizes and writes .bench-out/feedback-ingest.json.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer } from '../support/spawn-server.js';

const TOTAL_EVENTS = Number(process.env['BENCH_FEEDBACK_EVENTS'] ?? 20_000);
const CLIENTS = 8;

const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-bench-feedback-')), 'data');
const server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_LOG_LEVEL: 'warn' });
const rows: Record<string, number>[] = [];
try {
  const generation = (await (
    await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a photo of a red apple', search: { budget: 4 }, width: 64, height: 64 }),
    })
  ).json()) as { id: string };
  const types = ['impression', 'select', 'download', 'dismiss'] as const;
  for (const batchSize of [1, 20, 100, 500]) {
    const batches = Math.ceil(TOTAL_EVENTS / batchSize / (batchSize === 1 ? 10 : 1));
    let next = 0;
    let events = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let batch = next++; batch < batches; batch = next++) {
          const body = {
            events: Array.from({ length: batchSize }, (_, index) => ({
              type: types[index % types.length],
              generation_id: generation.id,
              candidate_id: `c00${index % 4}`,
              app_user: `u-${batch % 97}`,
              consent: true,
              client_event_id: `b${batchSize}-${batch}-${index}`,
            })),
          };
          const response = await fetch(`${server.baseUrl}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (response.status !== 202) throw new Error(`feedback answered ${response.status}: ${await response.text()}`);
          await response.arrayBuffer();
          events += batchSize;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    rows.push({ batch_size: batchSize, batches, events, seconds, events_per_second: events / seconds, batches_per_second: batches / seconds });
  }
} finally {
  await server.stop();
}
console.log(`feedback ingest over loopback, ${CLIENTS} clients, fs storage (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`);
console.log('| batch size | events | seconds | events/s | batches/s |');
console.log('|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row['batch_size']} | ${row['events']} | ${row['seconds']!.toFixed(2)} | ${Math.round(row['events_per_second']!)} | ${Math.round(row['batches_per_second']!)} |`);
}
await mkdir('.bench-out', { recursive: true });
await writeFile(join('.bench-out', 'feedback-ingest.json'), `${JSON.stringify({ clients: CLIENTS, rows }, null, 2)}\n`);
