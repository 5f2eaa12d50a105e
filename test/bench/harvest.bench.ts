/**
 * Harvest throughput (`npm run bench harvest`): generates a feedback dataset of at least 100,000 events
 * (BENCH_HARVEST_EVENTS) over a week of hourly partitions — impressions, selects, downloads, ratings,
 * dismissals, compares with ties, regenerates, 5 % unconsented, 2 % client retries, an erased user — with
 * the records they refer to and tiny PNGs, in a temp filesystem store, then runs `harvest()` (BENCH_REPEATS
 * times, default 3) and prints the event phase (DuckDB read + consent/erasure/dedupe + transfer + rules) in
 * events/s against the 200,000 events/s target, every phase, and the total. Writes .bench-out/harvest.json.
 * Exit code 1 when the median event phase misses the target.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import PQueue from 'p-queue';
import sharp from 'sharp';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { harvest, HARVEST_PHASES, type HarvestResult } from '../../src/harvest/index.js';
import { candidateImageKey, erasureKey, feedbackBatchKey, generationRecordKey } from '../../src/records/generation-layout.js';
import { newUuidV7 } from '../../src/records/uuid-v7.js';

const TARGET_EVENTS_PER_SECOND = 200_000;
const MIN_EVENTS = Number(process.env.BENCH_HARVEST_EVENTS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CANDIDATES = 4;
const EVENTS_PER_BATCH = 100;
const START = Date.parse('2024-05-01T00:00:00.000Z');
const WEEK_MS = 7 * 24 * 3600 * 1000;

/** mulberry32: a small seeded PRNG, so every run generates the same dataset. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function put(root: string, key: string, body: string | Uint8Array): Promise<void> {
  const path = join(root, ...key.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, body);
}

/** Writes the dataset; returns how many events and generations it holds. */
async function generateDataset(root: string): Promise<{ events: number; generations: number; files: number }> {
  const next = random(42);
  const png = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer());
  const lines: Record<string, unknown>[] = [];
  let generations = 0;
  const writes = new PQueue({ concurrency: 64 });
  while (lines.length < MIN_EVENTS) {
    const createdAt = START + Math.floor(next() * WEEK_MS * 0.9);
    const id = newUuidV7(createdAt);
    const user = `u-${generations % 500}`;
    generations += 1;
    const candidates = Array.from({ length: CANDIDATES }, (_, index) => {
      const reward = index / (CANDIDATES - 1);
      return { id: `c00${index}`, status: 'scored', prompt: `prompt ${generations}`, noise: { terms: [{ seed: generations * 10 + index, weight: 1 }] }, steps: 20, guidance: 5, width: 8, height: 8, phase: 'search', round: 0, scores: { geneval: reward }, reward, nfe: 20, media_type: 'image/png' };
    });
    const record = { id, object: 'generation', status: 'succeeded', prompt: `prompt ${generations}`, final_prompt: `prompt ${generations}`, candidates, metadata: { app_user: user }, created_at: new Date(createdAt).toISOString(), event_log: [] };
    void writes.add(() => put(root, generationRecordKey('default', id), JSON.stringify(record)));
    for (const candidate of candidates) void writes.add(() => put(root, candidateImageKey('default', id, candidate.id), png));
    // what an app reports about one generation: shown (often more than once), acted on, compared, regenerated
    let time = createdAt + 1000;
    const event = (fields: Record<string, unknown>): void => {
      time += 1 + Math.floor(next() * 5000);
      const consent = next() > 0.05;
      const line = { consent, app_user: user, generation_id: id, client_event_id: `${id}-${lines.length}`, ...fields, event_id: newUuidV7(time), received_at: new Date(time).toISOString(), tenant: 'default' };
      lines.push(line);
      if (next() < 0.02) lines.push({ ...line, event_id: newUuidV7(time + 50), received_at: new Date(time + 50).toISOString() });
    };
    const shown = 1 + Math.floor(next() * 3);
    for (let round = 0; round < shown; round += 1) for (const candidate of candidates) event({ type: 'impression', candidate_id: candidate.id });
    const pick = (): string => candidates[Math.floor(next() * CANDIDATES)]!.id;
    if (next() < 0.6) event({ type: 'select', candidate_id: pick() });
    if (next() < 0.4) event({ type: next() < 0.7 ? 'download' : next() < 0.5 ? 'share' : 'upscale', candidate_id: pick() });
    if (next() < 0.5) event({ type: 'rate', candidate_id: pick(), rating: 1 + Math.floor(next() * 5) });
    if (next() < 0.5) event({ type: 'dismiss', candidate_id: pick() });
    if (next() < 0.5) event({ type: 'compare', candidate_ids: ['c000', 'c001'], choice: next() < 0.15 ? 'tie' : next() < 0.5 ? 'c000' : 'c001' });
    if (next() < 0.3) event({ type: 'regenerate' });
  }
  await writes.onIdle();
  // batches as POST /v1/feedback writes them: one object per request, partitioned by receive hour
  lines.sort((a, b) => String(a.received_at).localeCompare(String(b.received_at)));
  let files = 0;
  for (let start = 0; start < lines.length; start += EVENTS_PER_BATCH) {
    const batch = lines.slice(start, start + EVENTS_PER_BATCH);
    await put(root, feedbackBatchKey('default', new Date(String(batch[0]!.received_at)), newUuidV7()), batch.map((line) => `${JSON.stringify(line)}\n`).join(''));
    files += 1;
  }
  await put(root, erasureKey('default', newUuidV7()), JSON.stringify({ tenant: 'default', app_user: 'u-7', requested_at: new Date().toISOString(), erasure_id: 'e' }));
  return { events: lines.length, generations, files };
}

const temp = await mkdtemp(join(tmpdir(), 'diffalign-bench-harvest-'));
const root = join(temp, 'data');
const generatedAt = performance.now();
const dataset = await generateDataset(root);
console.log(`dataset: ${dataset.events} events in ${dataset.files} batch files, ${dataset.generations} generations × ${CANDIDATES} candidates (generated in ${((performance.now() - generatedAt) / 1000).toFixed(1)} s); ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);

const runs: { timings: HarvestResult['timingsMs']; cpu: HarvestResult['cpuMs']; eventPhaseMs: number; eventPhaseCpuMs: number; totalMs: number; counts: HarvestResult['manifest']['counts'] }[] = [];
for (let repeat = 0; repeat < REPEATS; repeat += 1) {
  const started = performance.now();
  const result = await harvest({ store: new FsBlobStore(root), tenant: 'default', out: join(temp, `out-${repeat}`) });
  const totalMs = performance.now() - started;
  runs.push({ timings: result.timingsMs, cpu: result.cpuMs, eventPhaseMs: result.timingsMs.events + result.timingsMs.rules, eventPhaseCpuMs: result.cpuMs.events + result.cpuMs.rules, totalMs, counts: result.manifest.counts });
  await rm(join(temp, `out-${repeat}`), { recursive: true, force: true });
}

const median = <T>(values: readonly T[], by: (value: T) => number): T => [...values].sort((a, b) => by(a) - by(b))[Math.floor(values.length / 2)]!;
const typical = median(runs, (run) => run.eventPhaseMs);
const eventsRead = typical.counts.events.read;
const eventRate = eventsRead / (typical.eventPhaseMs / 1000);
const bestEventPhaseMs = Math.min(...runs.map((run) => run.eventPhaseMs));
const totalRate = eventsRead / (typical.totalMs / 1000);
console.log('| phase | wall ms (median run) | cpu ms |');
console.log('|---|---:|---:|');
for (const phase of HARVEST_PHASES) console.log(`| ${phase} | ${typical.timings[phase].toFixed(0)} | ${typical.cpu[phase].toFixed(0)} |`);
console.log(`| total | ${typical.totalMs.toFixed(0)} | ${Object.values(typical.cpu).reduce((sum, ms) => sum + ms, 0).toFixed(0)} |`);
console.log(`event phase (read + dedupe + rules): ${typical.eventPhaseMs.toFixed(0)} ms for ${eventsRead} events = ${Math.round(eventRate).toLocaleString('en')} events/s (target ${TARGET_EVENTS_PER_SECOND.toLocaleString('en')}); runs: ${runs.map((run) => run.eventPhaseMs.toFixed(0)).join(', ')} ms; best ${Math.round(eventsRead / (bestEventPhaseMs / 1000)).toLocaleString('en')} events/s; ${typical.eventPhaseCpuMs.toFixed(0)} ms CPU (${Math.round(eventsRead / (typical.eventPhaseCpuMs / 1000)).toLocaleString('en')} events per CPU-second)`);
console.log(`total harvest (records, ${typical.counts.kto.images} KTO images, Parquet, manifest included): ${(typical.totalMs / 1000).toFixed(2)} s = ${Math.round(totalRate).toLocaleString('en')} events/s`);
console.log(`outputs: ${typical.counts.preferences.total} pairs (${typical.counts.preferences.ai_feedback} AI), ${typical.counts.kto.total} KTO labels, ${typical.counts.rankings} rankings, ${typical.counts.events.harvested} events kept`);

await mkdir('.bench-out', { recursive: true });
await writeFile(
  join('.bench-out', 'harvest.json'),
  `${JSON.stringify({ dataset, cores: cpus().length, load_average: loadavg(), target_events_per_second: TARGET_EVENTS_PER_SECOND, event_phase_events_per_second: eventRate, event_phase_events_per_cpu_second: eventsRead / (typical.eventPhaseCpuMs / 1000), total_events_per_second: totalRate, median_run: typical, runs }, null, 2)}\n`,
);
await rm(temp, { recursive: true, force: true });
if (eventRate < TARGET_EVENTS_PER_SECOND) {
  console.log(`FAIL: event phase ${Math.round(eventRate)} events/s < ${TARGET_EVENTS_PER_SECOND}`);
  process.exit(1);
}
