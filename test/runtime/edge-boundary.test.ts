import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleRuntime, runtimeBundleOptions } from '../../src/runtime/runtime-bundles.js';

/** Globals only Node defines: code that reads one does not run on a fetch-based runtime without nodejs_compat. */
const NODE_ONLY_GLOBALS = ['process', 'Buffer', 'global', 'setImmediate', 'clearImmediate', '__dirname', '__filename', 'require'];
const SENTINEL = '__diffalign_node_only_global__';

/**
 * Our own code the Workers entry reaches, bundled without its packages and with every free use of a
 * Node-only global replaced by a sentinel (esbuild's `define` replaces only unbound identifiers, so a
 * local variable named `process` is not one); returns the globals used, by source file.
 */
async function nodeGlobalsUsed(entry: string): Promise<Record<string, string[]>> {
  const result = await build({
    ...runtimeBundleOptions('worker'),
    entryPoints: [entry],
    packages: 'external',
    minify: false,
    define: Object.fromEntries(NODE_ONLY_GLOBALS.map((name) => [name, `${SENTINEL}_${name}`])),
  });
  const used: Record<string, string[]> = {};
  // esbuild's non-minified bundle marks each module with a `// path` comment: attribute each use to it
  let file = '(bundle)';
  for (const line of result.outputFiles![0]!.text.split('\n')) {
    const marker = /^\/\/ (src\/\S+)$/.exec(line);
    if (marker) file = marker[1]!;
    for (const name of NODE_ONLY_GLOBALS) {
      if (line.includes(`${SENTINEL}_${name}`) && !(used[file] ?? []).includes(name)) (used[file] ??= []).push(name);
    }
  }
  return used;
}

describe('the edge boundary: what the Workers entry bundles runs on any fetch-based runtime', () => {
  it('bundles the Workers entry for workerd with no Node built-in anywhere in its graph (a node: import fails the build)', async () => {
    // Act
    const bundle = await bundleRuntime('worker');
    const inputs = Object.keys(bundle.metafile.inputs);
    const imports = Object.values(bundle.metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
    // Assess: the app's layers and the two serverless adapters are in, Node-only modules are not
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
    for (const layer of ['src/api/app.ts', 'src/engine/run-generation.ts', 'src/records/generation-store.ts', 'src/ports/errors.ts', 'src/adapters/storage/s3-blob-store.ts', 'src/adapters/sagemaker/sagemaker-generator.ts', 'src/config.ts']) {
      expect(inputs).toContain(layer);
    }
    for (const nodeOnly of ['src/adapters/storage/fs-blob-store.ts', 'src/adapters/reference/reference-generator.ts', 'src/runtime/create-dependencies.ts']) expect(inputs).not.toContain(nodeOnly);
    expect(inputs.some((path) => /node_modules\/(sharp|piscina|@duckdb)\//.test(path))).toBe(false);
    expect(bundle.code).not.toContain('DOMParser');
  });

  it('uses no Node-only global (process, Buffer, setImmediate, require …) in any of our modules the Workers entry reaches', async () => {
    // Act
    const used = await nodeGlobalsUsed('src/runtime/worker.ts');
    // Assess
    expect(used).toEqual({});
  });

  it('fails, naming the module, for code that reaches a Node-only module or global (the checks can fail)', async () => {
    // Act: the Node server's wiring imports node:os and the fs store, and reads process.pid
    const wiring = build({ ...runtimeBundleOptions('worker'), entryPoints: ['src/runtime/create-dependencies.ts'] }).then(
      () => ['built'],
      (error: { errors: { location: { file: string } | null; text: string }[] }) => error.errors.map((entry) => `${entry.location?.file}: ${entry.text}`),
    );
    const used = await nodeGlobalsUsed('src/runtime/create-dependencies.ts');
    // Assess
    expect(await wiring).toContain('src/runtime/create-dependencies.ts: Could not resolve "node:os"');
    expect(used['src/runtime/create-dependencies.ts']).toContain('process');
  });
});
