import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

/** The repository root (entries and node_modules resolve from it). */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The runtimes that ship as one bundle each. */
export type RuntimeBundleName = 'lambda' | 'worker';

/** Entry of each bundle, relative to the repository root. */
export const RUNTIME_ENTRIES: Readonly<Record<RuntimeBundleName, string>> = {
  lambda: 'src/runtime/lambda.ts',
  worker: 'src/runtime/worker.ts',
};

/**
 * Packages the Lambda bundle leaves out, as infra/app-function.ts bundles it: the reference world's native
 * image library and thread pool and the harvest's DuckDB, none of which the Lambda entry imports.
 */
const LAMBDA_EXTERNAL = ['sharp', 'piscina', '@duckdb/node-api'];

/**
 * The SDK's browser build parses XML with `DOMParser`, which Workers lack (aws/aws-sdk-js-v3#7375): resolve
 * `@aws-sdk/xml-builder`'s parser to its pure-JS build (the one Node uses) while everything else of the
 * SDK takes its browser build (fetch handler, Web Crypto).
 */
const pureJsXmlParser: Plugin = {
  name: 'diffalign-pure-js-xml-parser',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/xml-parser(\.js)?$/ }, (args) => {
      if (!/[\\/]@aws-sdk[\\/]xml-builder[\\/]dist-es[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), 'xml-parser.js') };
    });
  },
};

/**
 * zod's namespace export `z` carries `z.locales`, every message locale (~270 KB minified), and esbuild
 * keeps a namespace whole once it is used as a value (`import { z } from 'zod'`, here and in
 * @hono/zod-openapi). The app never switches zod's locale (its messages are English, the default that
 * zod loads from `locales/en.js` directly), so the bundles resolve the locale index to English alone, as
 * webpack users drop moment's locales.
 */
const englishOnlyZodLocales: Plugin = {
  name: 'diffalign-english-only-zod-locales',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)) return undefined;
      return { path: 'zod-locales-english-only', namespace: 'diffalign-zod-locales', pluginData: { enPath: join(dirname(args.importer), '..', 'locales', 'en.js') } };
    });
    builder.onLoad({ filter: /.*/, namespace: 'diffalign-zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify((args.pluginData as { enPath: string }).enPath)};`,
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

/**
 * esbuild options of a runtime's bundle. Lambda: as the CDK stack bundles it (Node 22, ESM with a
 * `require` shim for CommonJS dependencies, the AWS SDK bundled, minified). Workers: as wrangler resolves
 * (`workerd`/`worker`/`browser` conditions, browser fields first), where no Node built-in resolves, so a
 * `node:` import anywhere in the graph fails the build; no `nodejs_compat` is assumed.
 */
export function runtimeBundleOptions(name: RuntimeBundleName): BuildOptions {
  const common: BuildOptions = {
    absWorkingDir: ROOT,
    entryPoints: [RUNTIME_ENTRIES[name]],
    bundle: true,
    format: 'esm',
    minify: true,
    metafile: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  };
  if (name === 'lambda') {
    return {
      ...common,
      platform: 'node',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire as diffalignCreateRequire } from 'node:module'; const require = diffalignCreateRequire(import.meta.url);" },
      external: LAMBDA_EXTERNAL,
      plugins: [englishOnlyZodLocales],
    };
  }
  return {
    ...common,
    // platform browser: esbuild honours package.json `browser` maps only there (the SDK's fetch runtime config)
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    plugins: [pureJsXmlParser, englishOnlyZodLocales],
  };
}

/** One built bundle: its code, its minified size, esbuild's metafile (inputs, imports) and its source map when asked for. */
export interface RuntimeBundle {
  readonly code: string;
  readonly bytes: number;
  readonly metafile: Metafile;
  readonly map?: string;
}

/** Bundles a runtime's entry in memory (options may be overridden, e.g. `minify: false` to read it). */
export async function bundleRuntime(name: RuntimeBundleName, overrides: BuildOptions = {}): Promise<RuntimeBundle> {
  const result = await build({ ...runtimeBundleOptions(name), ...overrides, write: false, metafile: true });
  const output = result.outputFiles?.find((file) => !file.path.endsWith('.map'));
  if (!output) throw new Error(`esbuild wrote no output for ${RUNTIME_ENTRIES[name]}`);
  const map = result.outputFiles?.find((file) => file.path.endsWith('.map'))?.text;
  return { code: output.text, bytes: output.contents.byteLength, metafile: result.metafile!, ...(map === undefined ? {} : { map }) };
}
