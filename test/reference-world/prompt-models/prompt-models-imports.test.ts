import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const promptModels = join(root, 'src/reference-world/prompt-models');

/** Every project file a module reaches through its static and dynamic imports (TypeScript's own import scanner). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      pending.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

/** What the prompt models may use: themselves, the ports, and the world's seeded PRNG. */
const allowed = (file: string): boolean => {
  const path = relative(root, file);
  return path.startsWith('src/reference-world/prompt-models/') || path.startsWith('src/ports/') || path === 'src/reference-world/scene/seeded-random.ts';
};

describe('the prompt models import boundary', () => {
  it("reaches none of the world's parser, phrasing, sampler, scorers or truth", () => {
    // Prepare
    const entries = readdirSync(promptModels).filter((name) => name.endsWith('.ts')).map((name) => join(promptModels, name));

    // Act
    const outside = entries.flatMap((entry) => [...reachable(entry)].filter((file) => !allowed(file)).map((file) => `${relative(root, entry)} → ${relative(root, file)}`));

    // Assess
    expect(entries.length).toBeGreaterThan(5);
    expect(outside).toEqual([]);
  });

  it('sees through import chains, type-only and dynamic imports (so it can find a breach)', () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'diffalign-imports-'));
    writeFileSync(join(folder, 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
    writeFileSync(join(folder, 'b.ts'), "import type { C } from './c.js';\nexport const b = (): Promise<unknown> => import('./d.js');\nexport type B = C;\n");
    writeFileSync(join(folder, 'c.ts'), 'export type C = number;\n');
    writeFileSync(join(folder, 'd.ts'), "import { z } from 'zod';\nexport const d = z;\n");

    // Act
    const files = [...reachable(join(folder, 'a.ts'))].map((file) => relative(folder, file)).sort();

    // Assess
    expect(files).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
  });
});
