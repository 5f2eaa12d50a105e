import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where a pool's worker module is and how its threads must be started to load it. */
export interface WorkerThreadOptions {
  /** Absolute path of the worker entry module (`.ts` when running from source, `.js` when built). */
  readonly filename: string;
  /** Node options of the threads. */
  readonly execArgv: string[];
}

/** Parent options worth keeping in the threads (diagnostics only; nothing that names an entry point or a loader). */
const INHERITED_FLAGS = ['--enable-source-maps', '--no-warnings', '--no-deprecation', '--trace-warnings', '--trace-deprecation', '--trace-uncaught', '--disable-warning='];

/**
 * Locates the reference worker entry next to this module and picks the threads' Node options. They
 * are explicit rather than inherited, because the main thread's may name its own entry
 * (`--eval`, `--input-type`) or a test runner's conditions. A compiled `.js` entry needs no loader;
 * a `.ts` entry gets `--import <tsx loader>` (resolved from this package, not the working
 * directory), whether the main thread runs under tsx (`npm start`) or under vitest, which
 * transforms its own modules but leaves threads without a loader.
 */
export function referenceWorkerThreadOptions(moduleUrl: string = import.meta.url, parentExecArgv: readonly string[] = process.execArgv): WorkerThreadOptions {
  const extension = extname(fileURLToPath(moduleUrl)) === '.ts' ? '.ts' : '.js';
  const filename = fileURLToPath(new URL(`./reference-worker-entry${extension}`, moduleUrl));
  const inherited = parentExecArgv.filter((flag) => INHERITED_FLAGS.some((kept) => (kept.endsWith('=') ? flag.startsWith(kept) : flag === kept)));
  return { filename, execArgv: extension === '.ts' ? [...inherited, '--import', tsxLoaderUrl(moduleUrl)] : inherited };
}

/** File URL of tsx's ESM+CJS loader (the module `--import tsx` would load). */
function tsxLoaderUrl(moduleUrl: string): string {
  return pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href;
}
