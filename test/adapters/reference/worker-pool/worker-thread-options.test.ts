import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceWorkerThreadOptions } from '../../../../src/adapters/reference/worker-pool/worker-thread-options.js';

const SOURCE_MODULE = new URL('../../../../src/adapters/reference/worker-pool/reference-worker-pool.ts', import.meta.url).href;

describe('referenceWorkerThreadOptions', () => {
  it('points a source (.ts) pool at the .ts entry and loads it with tsx resolved from the package', () => {
    // Act
    const options = referenceWorkerThreadOptions(SOURCE_MODULE, ['--conditions', 'development']);

    // Assess
    expect(options.filename).toBe(fileURLToPath(new URL('./reference-worker-entry.ts', SOURCE_MODULE)));
    expect(existsSync(options.filename)).toBe(true);
    expect(options.execArgv).toHaveLength(2);
    expect(options.execArgv[0]).toBe('--import');
    expect(options.execArgv[1]).toMatch(/^file:\/\/.*\/node_modules\/tsx\/dist\/loader\.mjs$/);
  });

  it('points a compiled (.js) pool at the .js entry with no loader', () => {
    // Prepare
    const compiled = pathToFileURL('/srv/diffalign/dist/adapters/reference/worker-pool/reference-worker-pool.js').href;

    // Act
    const options = referenceWorkerThreadOptions(compiled, ['--enable-source-maps']);

    // Assess
    expect(options).toEqual({ filename: '/srv/diffalign/dist/adapters/reference/worker-pool/reference-worker-entry.js', execArgv: ['--enable-source-maps'] });
  });

  it('keeps diagnostics flags of the main thread and drops its entry point and loaders', () => {
    // Act
    const options = referenceWorkerThreadOptions(SOURCE_MODULE, [
      '--require', '/repo/node_modules/tsx/dist/preflight.cjs',
      '--import', 'file:///repo/node_modules/tsx/dist/loader.mjs',
      '--input-type=module', '--eval', 'console.log(1)', '--no-warnings', '--disable-warning=ExperimentalWarning',
    ]);

    // Assess
    expect(options.execArgv.slice(0, 2)).toEqual(['--no-warnings', '--disable-warning=ExperimentalWarning']);
    expect(options.execArgv.slice(2, 3)).toEqual(['--import']);
    expect(options.execArgv).toHaveLength(4);
  });
});
