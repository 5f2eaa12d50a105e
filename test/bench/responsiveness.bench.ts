/**
 * Responsiveness under load (`npm run bench responsiveness`): /healthz latency of the real server process
 * while 12 async 1024² jobs run, beside the idle figure, with the reference backend on worker threads
 * (the default) and on the main thread (DIFFALIGN_REFERENCE_THREADS=0), and whether any poll of a job's
 * record read an ended status that later changed. Prints the figures and writes .bench-out/responsiveness.json.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { observeAsyncLoad, percentile } from '../support/async-load.js';
import { freePort, startServer } from '../support/spawn-server.js';

const JOBS = 12;

async function idleLatencies(baseUrl: string, count: number): Promise<number[]> {
  const values: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const sent = performance.now();
    await (await fetch(`${baseUrl}/healthz`)).arrayBuffer();
    values.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return values;
}

const results: Record<string, unknown>[] = [];
for (const threads of ['default', '0']) {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-bench-load-')), 'data');
  const server = await startServer({
    DIFFALIGN_PORT: String(await freePort()),
    DIFFALIGN_DATA_DIR: dataDir,
    DIFFALIGN_HEARTBEAT_MS: '50',
    DIFFALIGN_LOG_LEVEL: 'warn',
    ...(threads === '0' ? { DIFFALIGN_REFERENCE_THREADS: '0' } : {}),
  });
  try {
    const idle = await idleLatencies(server.baseUrl, 100);
    const observed = await observeAsyncLoad(
      server.baseUrl,
      (index) => ({ prompt: `a photo of ${index % 3 === 0 ? 'two dogs' : 'a red car'} and a blue bench`, seed: index, width: 1024, height: 1024, search: { budget: 2 } }),
      { jobs: JOBS, pollMs: 50, limitMs: 600_000 },
    );
    const loaded = observed.healthzMs.filter((ms): ms is number => ms !== null);
    const row = {
      reference_threads: threads === '0' ? 0 : cpus().length,
      idle_p50_ms: percentile(idle, 50),
      idle_p95_ms: percentile(idle, 95),
      loaded_p50_ms: percentile(loaded, 50),
      loaded_p95_ms: percentile(loaded, 95),
      loaded_max_ms: Math.max(...loaded),
      healthz_failed: observed.healthzMs.length - loaded.length,
      false_failures: observed.falseFailures,
      succeeded: observed.finalStatuses.filter((status) => status === 'succeeded').length,
      wall_ms: Math.round(observed.wallMs),
    };
    results.push(row);
    if (row.succeeded !== JOBS) console.log("statuses", observed.finalStatuses.join(" "));
  } finally {
    await server.stop();
  }
}

console.log(`/healthz latency, idle and while ${JOBS} async 1024² jobs (budget 2) run; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`);
console.log('| reference threads | idle p50 | idle p95 | loaded p50 | loaded p95 | loaded max | p95 ratio | false failures | succeeded | wall |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of results as { [key: string]: number }[]) {
  const ratio = row['loaded_p95_ms']! / row['idle_p95_ms']!;
  console.log(
    `| ${row['reference_threads']} | ${row['idle_p50_ms']!.toFixed(1)} ms | ${row['idle_p95_ms']!.toFixed(1)} ms | ${row['loaded_p50_ms']!.toFixed(1)} ms | ${row['loaded_p95_ms']!.toFixed(1)} ms | ${row['loaded_max_ms']!.toFixed(0)} ms | ${ratio.toFixed(1)}× | ${row['false_failures']} | ${row['succeeded']}/${JOBS} | ${row['wall_ms']} ms |`,
  );
}
await mkdir('.bench-out', { recursive: true });
await writeFile(join('.bench-out', 'responsiveness.json'), `${JSON.stringify({ jobs: JOBS, side: 1024, results }, null, 2)}\n`);
