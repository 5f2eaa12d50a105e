/**
 * Serverless bundles (`npm run bench bundle`): the esbuild-minified sizes of the Lambda and Workers bundles
 * (src/runtime/runtime-bundles.ts, built as `npm run bundle` builds them and the CDK stack deploys the
 * Lambda one; every JavaScript file counted, the AWS SDK bundled; target ≤ 1 MB = 1,000,000 bytes each),
 * and the Lambda handler's cold start in fresh Node processes run with the stack's NODE_OPTIONS: the time to
 * import the bundle's entry (target ≤ 80 ms), as a ratio to importing `hono` alone from node_modules in the
 * same run, and the time from the import to the first answer (a /healthz function-URL event, which loads
 * the app's chunks and builds the app and its SDK clients: the rest of a cold start). Each is timed by the
 * wall clock and by the CPU time the process spent meanwhile (all its threads), which a loaded machine
 * inflates far less. The baseline of the first answer: a bare Hono app (one /healthz route) on the same
 * streaming adapter, bundled the same way (Node 22 ESM, minified), so the ratio is diffalign's own cost of a
 * cold start over Hono's. Runs alternate between the imports so drift hits both; medians of
 * BENCH_BUNDLE_RUNS (default 9). Prints the figures and writes .bench-out/bundle.json. */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleRuntime, DEPLOYED_BUNDLE_OVERRIDES, LAMBDA_NODE_OPTIONS, RUNTIME_ENTRIES, RUNTIME_ENTRY_FILES, type RuntimeBundleName } from '../../src/runtime/runtime-bundles.js';

const RUNS = Number(process.env['BENCH_BUNDLE_RUNS'] ?? 9);
const SIZE_TARGET_BYTES = 1_000_000;
const IMPORT_TARGET_MS = 80;
const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(root, '.bench-out');
const bundleDir = join(out, 'bundle');

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Sizes of one runtime's bundle (all its JavaScript files: the Lambda entry and its chunks); its files are written for the import runs. */
async function measureBundle(name: RuntimeBundleName): Promise<{ entry: string; bytes: number; entry_bytes: number; files: number; gzip_bytes: number; file: string }> {
  const dir = join(bundleDir, name);
  // built as npm run bundle builds what the stack deploys (source maps beside the code)
  const bundle = await bundleRuntime(name, { ...DEPLOYED_BUNDLE_OVERRIDES, outdir: dir });
  await rm(dir, { recursive: true, force: true });
  for (const file of bundle.files) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true });
    await writeFile(join(dir, file.path), file.text);
  }
  const code = bundle.files.filter((file) => file.path.endsWith('.mjs'));
  const gzipBytes = code.reduce((sum, file) => sum + gzipSync(file.text).byteLength, 0);
  return { entry: RUNTIME_ENTRIES[name], bytes: bundle.bytes, entry_bytes: bundle.entryBytes, files: code.length, gzip_bytes: gzipBytes, file: join(dir, RUNTIME_ENTRY_FILES[name]) };
}

/** A bare Hono app with one /healthz route on the same streaming adapter, bundled as the Lambda entry is (the first answer's baseline). */
async function bareHonoBundle(): Promise<string> {
  const dir = join(bundleDir, 'bare-hono');
  await mkdir(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  await writeFile(
    entry,
    `import { Hono } from 'hono';\nimport { streamHandle } from ${JSON.stringify(join(root, 'src/runtime/aws-lambda-adapter.ts'))};\nexport const handler = streamHandle(new Hono().get('/healthz', (c) => c.json({ status: 'ok' })));\n`,
  );
  const file = join(dir, 'index.mjs');
  await build({ absWorkingDir: root, entryPoints: [entry], outfile: file, bundle: true, format: 'esm', minify: true, platform: 'node', target: 'node22', mainFields: ['module', 'main'], logLevel: 'silent', legalComments: 'none' });
  return file;
}

/** One fresh process's figures: the import, and with an answer the time from the import's start to it. */
interface ColdStart {
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly answerMs?: number;
  readonly answerCpuMs?: number;
}

/**
 * A fresh `node` that imports `specifier` and prints the milliseconds the import took; with `answer`, it
 * then invokes the Lambda handler once with a /healthz function-URL event through a minimal stand-in of the
 * runtime's `awslambda` global (streamifyResponse, HttpResponseStream) and prints the time to its answer.
 */
function coldImport(specifier: string, answer: boolean): ColdStart {
  const script = `
    import { Writable } from 'node:stream';
    globalThis.awslambda = {
      streamifyResponse: (handler) => handler,
      HttpResponseStream: { from: (stream, prelude) => { stream.prelude = prelude; return stream; } },
    };
    const cpu = process.cpuUsage();
    const started = performance.now();
    const module = await import(${JSON.stringify(specifier)});
    const importMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const importCpuMs = (used.user + used.system) / 1000;
    let answerMs, answerCpuMs;
    if (${answer}) {
      const chunks = [];
      const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(chunk); done(); } });
      const event = { version: '2.0', rawPath: '/healthz', rawQueryString: '', headers: { host: 'bench.lambda-url.us-east-1.on.aws' },
        requestContext: { domainName: 'bench.lambda-url.us-east-1.on.aws', http: { method: 'GET', path: '/healthz' } }, isBase64Encoded: false };
      const context = { getRemainingTimeInMillis: () => 30000, awsRequestId: 'bench', functionName: 'bench' };
      await module.handler(event, stream, context);
      if (stream.prelude?.statusCode !== 200) throw new Error('healthz answered ' + JSON.stringify(stream.prelude));
      answerMs = performance.now() - started;
      const total = process.cpuUsage(cpu);
      answerCpuMs = (total.user + total.system) / 1000;
    }
    process.stdout.write(JSON.stringify({ importMs, importCpuMs, answerMs, answerCpuMs }));
  `;
  const env = {
    PATH: process.env['PATH'] ?? '',
    // as the stack runs both functions (hono's import runs with it too, so the ratio compares like with like)
    NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
    // what the stack sets: the S3 store and the SageMaker backend (nothing is called: /healthz touches neither)
    DIFFALIGN_STORAGE: 's3',
    DIFFALIGN_S3_BUCKET: 'diffalign-bench',
    DIFFALIGN_BACKEND: 'sagemaker',
    DIFFALIGN_JOB_FUNCTION: 'diffalign-worker',
    DIFFALIGN_LOG_LEVEL: 'silent',
    DIFFALIGN_PLAYGROUND: 'off',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cold import of ${specifier} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ColdStart;
}

await mkdir(bundleDir, { recursive: true });
const lambda = await measureBundle('lambda');
const worker = await measureBundle('worker');
const bareHono = pathToFileURL(await bareHonoBundle()).href;

const lambdaImports: number[] = [];
const lambdaImportsCpu: number[] = [];
const lambdaAnswers: number[] = [];
const lambdaAnswersCpu: number[] = [];
const honoImports: number[] = [];
const honoImportsCpu: number[] = [];
const bareAnswers: number[] = [];
const bareAnswersCpu: number[] = [];
coldImport(pathToFileURL(lambda.file).href, true);
coldImport('hono', false);
coldImport(bareHono, true);
for (let run = 0; run < RUNS; run += 1) {
  const cold = coldImport(pathToFileURL(lambda.file).href, true);
  lambdaImports.push(cold.importMs);
  lambdaImportsCpu.push(cold.importCpuMs);
  lambdaAnswers.push(cold.answerMs!);
  lambdaAnswersCpu.push(cold.answerCpuMs!);
  const hono = coldImport('hono', false);
  honoImports.push(hono.importMs);
  honoImportsCpu.push(hono.importCpuMs);
  const bare = coldImport(bareHono, true);
  bareAnswers.push(bare.answerMs!);
  bareAnswersCpu.push(bare.answerCpuMs!);
}

const importMs = median(lambdaImports);
const honoMs = median(honoImports);
const importCpuMs = median(lambdaImportsCpu);
const honoCpuMs = median(honoImportsCpu);
const results = {
  measured_at: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  load_average_1m: loadavg()[0],
  runs: RUNS,
  bundles: {
    lambda: { entry: lambda.entry, bytes: lambda.bytes, entry_bytes: lambda.entry_bytes, files: lambda.files, gzip_bytes: lambda.gzip_bytes, aws_sdk: 'bundled', target_bytes: SIZE_TARGET_BYTES, within_target: lambda.bytes <= SIZE_TARGET_BYTES },
    worker: { entry: worker.entry, bytes: worker.bytes, entry_bytes: worker.entry_bytes, files: worker.files, gzip_bytes: worker.gzip_bytes, aws_sdk: 'bundled', target_bytes: SIZE_TARGET_BYTES, within_target: worker.bytes <= SIZE_TARGET_BYTES },
  },
  lambda_cold_start: {
    import_ms_median: importMs,
    import_ms_runs: lambdaImports,
    hono_import_ms_median: honoMs,
    hono_import_ms_runs: honoImports,
    import_ratio_to_hono: importMs / honoMs,
    import_cpu_ms_median: importCpuMs,
    hono_import_cpu_ms_median: honoCpuMs,
    import_cpu_ratio_to_hono: importCpuMs / honoCpuMs,
    import_target_ms: IMPORT_TARGET_MS,
    within_target: importMs <= IMPORT_TARGET_MS,
    first_answer_ms_median: median(lambdaAnswers),
    first_answer_ms_runs: lambdaAnswers,
    first_answer_cpu_ms_median: median(lambdaAnswersCpu),
    first_answer_ratio_to_hono_import: median(lambdaAnswers) / honoMs,
    bare_hono_first_answer_ms_median: median(bareAnswers),
    bare_hono_first_answer_ms_runs: bareAnswers,
    bare_hono_first_answer_cpu_ms_median: median(bareAnswersCpu),
    first_answer_ratio_to_bare_hono: median(lambdaAnswers) / median(bareAnswers),
    first_answer_cpu_ratio_to_bare_hono: median(lambdaAnswersCpu) / median(bareAnswersCpu),
  },
};

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
console.log(`bundles (esbuild, minified, the AWS SDK bundled; every JavaScript file counted; target ≤ ${kb(SIZE_TARGET_BYTES)}):`);
for (const [name, bundle] of Object.entries(results.bundles)) {
  const split = bundle.files > 1 ? `; ${bundle.files} files, ${kb(bundle.entry_bytes)} imported with the entry, the rest loaded on the first invocation` : '';
  console.log(`  ${name.padEnd(7)} ${kb(bundle.bytes).padStart(9)} (${bundle.bytes} bytes${split}; gzip ${kb(bundle.gzip_bytes)})  ${bundle.within_target ? 'within target' : 'OVER TARGET'}`);
}
console.log(`Lambda handler cold start (fresh node ${process.version}, median of ${RUNS}):`);
console.log(`  import of the bundle     ${importMs.toFixed(1)} ms wall, ${importCpuMs.toFixed(1)} ms CPU  (target ≤ ${IMPORT_TARGET_MS} ms: ${results.lambda_cold_start.within_target ? 'within' : 'OVER'})`);
console.log(`  import of hono alone     ${honoMs.toFixed(1)} ms wall, ${honoCpuMs.toFixed(1)} ms CPU  → ratio ${(importMs / honoMs).toFixed(2)} wall, ${(importCpuMs / honoCpuMs).toFixed(2)} CPU`);
console.log(
  `  import to first answer   ${results.lambda_cold_start.first_answer_ms_median.toFixed(1)} ms wall, ${results.lambda_cold_start.first_answer_cpu_ms_median.toFixed(1)} ms CPU  (GET /healthz: loads the app's chunks, builds the app and its SDK clients; ${results.lambda_cold_start.first_answer_ratio_to_hono_import.toFixed(1)}× hono's import)`,
);
console.log(
  `  bare Hono, same adapter  ${results.lambda_cold_start.bare_hono_first_answer_ms_median.toFixed(1)} ms wall, ${results.lambda_cold_start.bare_hono_first_answer_cpu_ms_median.toFixed(1)} ms CPU to its first answer  → diffalign's first answer ${results.lambda_cold_start.first_answer_ratio_to_bare_hono.toFixed(2)}× wall, ${results.lambda_cold_start.first_answer_cpu_ratio_to_bare_hono.toFixed(2)}× CPU`,
);
await writeFile(join(out, 'bundle.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote .bench-out/bundle.json');
