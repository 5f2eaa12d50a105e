/**
 * SageMaker adapter overhead (`npm run bench sagemaker-overhead`): the real SDK client and the SageMaker
 * adapters against the in-process emulator serving the reference world on this thread, for batches of 1,
 * 4 and 16 images. Per call, overhead = wall time of the adapter call − the emulator's own service time
 * (model work, measured inside the emulator): what JSON/base64 (both sides), SigV4 signing, the SDK's
 * middleware and loopback HTTP add. Prints medians and the ratio to the service time; writes
 * .bench-out/sagemaker-overhead.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ReferenceGenerator } from '../../src/adapters/reference/reference-generator.js';
import { CircuitBreaker } from '../../src/adapters/sagemaker/circuit-breaker.js';
import { createSageMakerRuntimeClient } from '../../src/adapters/sagemaker/sagemaker-client.js';
import { SageMakerGenerator } from '../../src/adapters/sagemaker/sagemaker-generator.js';
import { SageMakerScorer } from '../../src/adapters/sagemaker/sagemaker-scorer.js';
import { createReferenceEmulatorWorld } from '../../src/emulator/reference-emulator-world.js';
import { startSageMakerEmulator } from '../../src/emulator/sagemaker-emulator.js';
import type { GenerateItem, ImageRef } from '../../src/ports/index.js';
import { EMULATOR_CREDENTIALS } from '../../src/runtime/sagemaker-config.js';

const REPEATS = Number(process.env['BENCH_SAGEMAKER_REPEATS'] ?? 15);
const SIZE = Number(process.env['BENCH_SAGEMAKER_SIZE'] ?? 256);
const STEPS = 20;
const BATCHES = [1, 4, 16];

const reference = createReferenceEmulatorWorld({ threads: 0 });
const emulator = await startSageMakerEmulator({ world: reference.world, port: 0, onClose: () => reference.close() });
const client = createSageMakerRuntimeClient({ endpoint: emulator.url, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
const endpoint = (endpointName: string) => ({ client, endpointName, timeoutMs: 60_000, circuitBreaker: new CircuitBreaker(endpointName) });
const generator = new SageMakerGenerator('diffalign-generator', { ...endpoint('diffalign-generator'), maxBatchSize: 16, maxConcurrency: 1 });
const scorer = new SageMakerScorer('aesthetic', { ...endpoint('diffalign-scorer'), maxBatchSize: 16, maxConcurrency: 1 });
const item = (seed: number): GenerateItem => ({ prompt: 'a photo of two cats and a red umbrella', noise: { terms: [{ seed, weight: 1 }] }, steps: STEPS, guidance: 5, width: SIZE, height: SIZE, format: 'png' });
const images: ImageRef[] = (await new ReferenceGenerator().doGenerate({ items: [1, 2, 3, 4].map(item) })).images.map((image) => image.image);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Wall and service time of `calls` sequential calls (after one warm-up). */
async function measure(call: (index: number) => Promise<unknown>): Promise<{ wallMs: number; serviceMs: number; overheadMs: number; ratio: number }> {
  await call(-1);
  const walls: number[] = [];
  const services: number[] = [];
  for (let index = 0; index < REPEATS; index += 1) {
    emulator.resetCalls();
    const started = performance.now();
    await call(index);
    walls.push(performance.now() - started);
    services.push(emulator.calls().reduce((sum, entry) => sum + entry.serviceMs, 0));
  }
  const overheads = walls.map((wall, index) => wall - services[index]!);
  const serviceMs = median(services);
  const overheadMs = median(overheads);
  return { wallMs: median(walls), serviceMs, overheadMs, ratio: overheadMs / serviceMs };
}

const rows: { port: string; batch: number; wall_ms: number; service_ms: number; overhead_ms: number; overhead_per_image_ms: number; ratio: number }[] = [];
try {
  for (const batch of BATCHES) {
    const generated = await measure((index) => generator.doGenerate({ items: Array.from({ length: batch }, (_, offset) => item(1000 * (index + 2) + offset)) }));
    rows.push({ port: 'generator', batch, wall_ms: generated.wallMs, service_ms: generated.serviceMs, overhead_ms: generated.overheadMs, overhead_per_image_ms: generated.overheadMs / batch, ratio: generated.ratio });
    const scored = await measure(() => scorer.doScore({ items: Array.from({ length: batch }, (_, offset) => ({ prompt: 'a photo of two cats and a red umbrella', image: images[offset % images.length]! })) }));
    rows.push({ port: 'scorer (aesthetic)', batch, wall_ms: scored.wallMs, service_ms: scored.serviceMs, overhead_ms: scored.overheadMs, overhead_per_image_ms: scored.overheadMs / batch, ratio: scored.ratio });
  }
} finally {
  client.destroy();
  await emulator.close();
}

console.log(`SageMaker adapter overhead against the in-process emulator, ${SIZE}x${SIZE} PNGs, ${STEPS} steps, median of ${REPEATS} (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`);
console.log('| port | images per call | wall ms | emulator service ms | overhead ms | overhead ms per image | overhead / service |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.port} | ${row.batch} | ${row.wall_ms.toFixed(1)} | ${row.service_ms.toFixed(1)} | ${row.overhead_ms.toFixed(2)} | ${row.overhead_per_image_ms.toFixed(2)} | ${row.ratio.toFixed(3)} |`);
}
await mkdir('.bench-out', { recursive: true });
await writeFile(join('.bench-out', 'sagemaker-overhead.json'), `${JSON.stringify({ size: SIZE, steps: STEPS, repeats: REPEATS, load_average: loadavg()[0], cores: cpus().length, rows }, null, 2)}\n`);
