import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importPathInto, relativeImportsOf } from '../../support/import-graph.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SRC = join(ROOT, 'src');
const TRUTH = join(SRC, 'reference-world', 'truth');
const SAMPLER = join(SRC, 'reference-world', 'sampler');

/** Every .ts file under a folder. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** A path from `start` into `folder`, relative to the repository, for the failure message (undefined when none). */
function pathInto(start: string, folder: string): string[] | undefined {
  return importPathInto(start, folder)?.map((step) => relative(ROOT, step));
}

describe('the truth import boundary', () => {
  it('finds the graph it checks (the walker follows imports into the world)', () => {
    // Act
    const fromGenerator = pathInto(join(SRC, 'adapters', 'reference', 'reference-generator.ts'), SAMPLER);
    const fromTruth = pathInto(join(TRUTH, 'index.ts'), SAMPLER);

    // Assess: the walker is not vacuous
    expect(fromGenerator).toBeDefined();
    expect(fromTruth).toBeDefined();
  });

  it('keeps every module of the engine, the API, the adapters and the runtimes from reaching src/reference-world/truth', () => {
    // Prepare
    const roots = ['engine', 'api', 'adapters', 'runtime', 'ports', 'records', 'harvest', 'emulator'].flatMap((folder) => filesUnder(join(SRC, folder)));

    // Act
    const leaks = roots.map((file) => pathInto(file, TRUTH)).filter((path): path is string[] => path !== undefined);

    // Assess
    expect(roots.length).toBeGreaterThan(50);
    expect(leaks.map((path) => path.join(' -> '))).toEqual([]);
  });

  it('keeps nothing else under src/ from importing the truth', () => {
    // Act
    const importers = filesUnder(SRC)
      .filter((file) => !file.startsWith(TRUTH + '/'))
      .filter((file) => relativeImportsOf(file).some((imported) => imported.startsWith(TRUTH + '/')));

    // Assess
    expect(importers.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('keeps the scorers and the reward models from reaching the sampler (they see prompts and pixels only)', () => {
    // Prepare
    const scorers = [
      ...filesUnder(join(SRC, 'reference-world', 'reward-models')),
      ...filesUnder(join(SRC, 'adapters', 'reference')).filter((file) => /scorer/.test(file)),
    ];

    // Act
    const leaks = scorers.map((file) => pathInto(file, SAMPLER)).filter((path): path is string[] => path !== undefined);

    // Assess
    expect(scorers.length).toBeGreaterThan(5);
    expect(leaks.map((path) => path.join(' -> '))).toEqual([]);
  });
});
