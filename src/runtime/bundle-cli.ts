import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleRuntime, type RuntimeBundleName } from './runtime-bundles.js';

/**
 * `npm run bundle [lambda|worker …] [--out DIR]`: writes each runtime's minified bundle (with its source map)
 * to DIR (default `dist/bundles`): `lambda.mjs` for a Lambda deployed by hand (the CDK stack bundles its
 * own), `worker.mjs` for `wrangler deploy --no-bundle` (wrangler's own bundling would pick the SDK's
 * DOMParser-based XML parser, which Workers lack).
 */
async function main(argv: readonly string[]): Promise<void> {
  let out = resolve('dist/bundles');
  const names: RuntimeBundleName[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--out' && argv[index + 1] !== undefined) out = resolve(argv[(index += 1)]!);
    else if (arg === 'lambda' || arg === 'worker') names.push(arg);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}: expected lambda, worker or --out DIR`);
  }
  await mkdir(out, { recursive: true });
  for (const name of names.length > 0 ? names : (['lambda', 'worker'] as const)) {
    const bundle = await bundleRuntime(name, { sourcemap: 'external', outfile: join(out, `${name}.mjs`) });
    await writeFile(join(out, `${name}.mjs`), bundle.code);
    if (bundle.map !== undefined) await writeFile(join(out, `${name}.mjs.map`), bundle.map);
    process.stdout.write(`${join(out, `${name}.mjs`)}: ${bundle.bytes} bytes\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`diffalign bundle: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
