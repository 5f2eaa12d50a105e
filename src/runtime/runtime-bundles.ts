import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
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
 * Packages that must never reach the Lambda bundle: the reference world's native image library and thread
 * pool, and the harvest's DuckDB. The Lambda entry wires S3 and SageMaker only; listing them keeps a stray
 * import from pulling a linux-x64 native addon into an arm64 function.
 */
export const LAMBDA_EXCLUDED_MODULES = ['sharp', 'piscina', '@duckdb/node-api'] as const;

/**
 * Packages the Lambda bundle leaves out: LAMBDA_EXCLUDED_MODULES, and `bowser`, the user-agent parser the
 * SDK's browser runtime loads by `import()`, which Node never calls (left in, code splitting would ship it
 * as a chunk of its own).
 */
const LAMBDA_EXTERNAL = [...LAMBDA_EXCLUDED_MODULES, 'bowser'];

/**
 * Lambda-only substitutions (see each module): the SDK's Node credential chain by the environment link
 * Lambda uses, and the playground's generated assets by none (the stack sets DIFFALIGN_PLAYGROUND=off:
 * the page is the Node server's; GET / is 404 on Lambda whatever the setting).
 */
const lambdaSubstitutes: Plugin = {
  name: 'diffalign-lambda-substitutes',
  setup(builder) {
    builder.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: join(ROOT, 'src/runtime/lambda-credential-provider.ts') }));
    builder.onResolve({ filter: /[\\/]playground[\\/]playground-assets\.js$/ }, () => ({ path: 'playground-assets', namespace: 'diffalign-no-playground' }));
    builder.onLoad({ filter: /.*/, namespace: 'diffalign-no-playground' }, () => ({
      contents: 'export const PLAYGROUND_ASSETS = {};',
      loader: 'js',
    }));
  },
};

/**
 * `yaml` resolves to its CommonJS build under Node's conditions, which esbuild cannot tree-shake (115 KB
 * minified against 49 KB): the Lambda bundle takes the package's ES module build (its `default` export
 * condition, the same code, no browser API), as the Workers bundle already does.
 */
const yamlEsModules: Plugin = {
  name: 'diffalign-yaml-es-modules',
  setup(builder) {
    builder.onResolve({ filter: /^yaml$/ }, () => ({ path: join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser', 'index.js') }));
  },
};

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

/** Where `npm run bundle` writes each runtime's files (the Lambda bundle is a directory: its entry and chunks). */
export const RUNTIME_OUTDIRS: Readonly<Record<RuntimeBundleName, string>> = {
  lambda: 'dist/bundles/lambda',
  worker: 'dist/bundles',
};

/** The entry file of each bundle, relative to its output directory. */
export const RUNTIME_ENTRY_FILES: Readonly<Record<RuntimeBundleName, string>> = {
  lambda: 'index.mjs',
  worker: 'worker.mjs',
};

/**
 * esbuild options of a runtime's bundle. Lambda: what the CDK stack deploys (Node 22, ESM with a
 * `require` shim for CommonJS dependencies, the AWS SDK bundled, minified), split into an entry
 * (`index.mjs`: Hono and the streaming adapter, what the function's init phase imports) and chunks it
 * loads on the first invocation (the app, zod, the SDK). Workers: as wrangler resolves
 * (`workerd`/`worker`/`browser` conditions, browser fields first), where no Node built-in resolves, so a
 * `node:` import anywhere in the graph fails the build; no `nodejs_compat` is assumed; one file.
 */
export function runtimeBundleOptions(name: RuntimeBundleName): BuildOptions {
  const common: BuildOptions = {
    absWorkingDir: ROOT,
    entryPoints: [{ in: RUNTIME_ENTRIES[name], out: RUNTIME_ENTRY_FILES[name].replace(/\.mjs$/, '') }],
    outdir: join(ROOT, RUNTIME_OUTDIRS[name]),
    outExtension: { '.js': '.mjs' },
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
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      platform: 'node',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire as diffalignCreateRequire } from 'node:module'; const require = diffalignCreateRequire(import.meta.url);" },
      external: LAMBDA_EXTERNAL,
      plugins: [englishOnlyZodLocales, yamlEsModules, lambdaSubstitutes],
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

/** What `npm run bundle` (and so the CDK stack) adds to runtimeBundleOptions: source maps beside the code, without the sources. */
export const DEPLOYED_BUNDLE_OVERRIDES: BuildOptions = { sourcemap: 'external', sourcesContent: false };

/**
 * The Node options the CDK stack runs the functions with (infra/app-function.ts: stack traces through the
 * source maps); `npm run bench bundle` times the cold import with them.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** One file of a bundle, its path relative to the bundle's output directory. */
export interface RuntimeBundleFile {
  readonly path: string;
  readonly text: string;
  readonly bytes: number;
}

/**
 * One built bundle: the entry's code, every file (the entry, the Lambda bundle's chunks, source maps when
 * asked for), the minified size of all its JavaScript and of the entry alone, and esbuild's metafile.
 */
export interface RuntimeBundle {
  readonly code: string;
  readonly files: readonly RuntimeBundleFile[];
  /** Minified bytes of every JavaScript file (entry and chunks): what the runtime is deployed with. */
  readonly bytes: number;
  /** Minified bytes an import of the entry loads: the entry and the chunks it imports statically (not those it loads by `import()`). */
  readonly entryBytes: number;
  readonly metafile: Metafile;
  /** The entry's source map, when asked for. */
  readonly map?: string;
}

/** Bundles a runtime's entry in memory (options may be overridden, e.g. `minify: false` to read it). */
export async function bundleRuntime(name: RuntimeBundleName, overrides: BuildOptions = {}): Promise<RuntimeBundle> {
  const options = { ...runtimeBundleOptions(name), ...overrides, write: false, metafile: true };
  const result = await build(options);
  const outdir = options.outdir!;
  const files = (result.outputFiles ?? []).map((file) => ({ path: relative(outdir, file.path).split(sep).join('/'), text: file.text, bytes: file.contents.byteLength }));
  const entry = files.find((file) => file.path === RUNTIME_ENTRY_FILES[name]);
  if (!entry) throw new Error(`esbuild wrote no ${RUNTIME_ENTRY_FILES[name]} for ${RUNTIME_ENTRIES[name]}`);
  const map = files.find((file) => file.path === `${entry.path}.map`)?.text;
  const bytes = files.filter((file) => file.path.endsWith('.mjs')).reduce((sum, file) => sum + file.bytes, 0);
  const metafile = result.metafile!;
  const loaded = new Set<string>();
  const load = (output: string): void => {
    if (loaded.has(output) || !metafile.outputs[output]) return;
    loaded.add(output);
    for (const imported of metafile.outputs[output].imports) if (imported.kind === 'import-statement' && !imported.external) load(imported.path);
  };
  load(relative(options.absWorkingDir ?? ROOT, join(outdir, entry.path)).split(sep).join('/'));
  const entryBytes = [...loaded].reduce((sum, output) => sum + metafile.outputs[output]!.bytes, 0);
  return { code: entry.text, files, bytes, entryBytes, metafile, ...(map === undefined ? {} : { map }) };
}
