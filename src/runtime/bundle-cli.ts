import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { bundleRuntime, DEPLOYED_BUNDLE_OVERRIDES, RUNTIME_ENTRY_FILES, RUNTIME_OUTDIRS, type RuntimeBundleName } from './runtime-bundles.js';

/**
 * `npm run bundle [lambda|worker …] [--out DIR]`: writes each runtime's minified bundle with its source
 * maps. Lambda: the directory `dist/bundles/lambda` (`index.mjs` and its `chunks/`), what the CDK stack
 * deploys (its synth runs this; `--out DIR` writes the Lambda bundle to DIR itself). Workers:
 * `dist/bundles/worker.mjs`, for `wrangler deploy --no-bundle` (wrangler's own bundling would pick the
 * SDK's DOMParser-based XML parser, which Workers lack).
 */
async function main(argv: readonly string[]): Promise<void> {
  let out: string | undefined;
  const names: RuntimeBundleName[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--out' && argv[index + 1] !== undefined) out = resolve(argv[(index += 1)]!);
    else if (arg === 'lambda' || arg === 'worker') names.push(arg);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}: expected lambda, worker or --out DIR`);
  }
  for (const name of names.length > 0 ? names : (['lambda', 'worker'] as const)) {
    const outdir = out ?? resolve(RUNTIME_OUTDIRS[name]);
    const bundle = await bundleRuntime(name, { ...DEPLOYED_BUNDLE_OVERRIDES, outdir });
    // the Lambda directory holds this bundle alone: chunks of an earlier build (other hashes) go
    if (name === 'lambda') await rm(join(outdir, 'chunks'), { recursive: true, force: true });
    for (const file of bundle.files) {
      await mkdir(dirname(join(outdir, file.path)), { recursive: true });
      await writeFile(join(outdir, file.path), file.text);
    }
    const chunks = bundle.files.filter((file) => file.path.endsWith('.mjs')).length - 1;
    process.stdout.write(`${join(outdir, RUNTIME_ENTRY_FILES[name])}: ${bundle.bytes} bytes${chunks > 0 ? ` (entry ${bundle.entryBytes} bytes and ${chunks} chunks)` : ''}\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`diffalign bundle: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
