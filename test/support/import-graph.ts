import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The project modules a file imports or re-exports (static and dynamic, TypeScript's own import
 * scanner), as existing .ts paths (a specifier without a file is the typecheck's business, not the graph's).
 */
export function relativeImportsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .filter(({ fileName }) => fileName.startsWith('.'))
    .map(({ fileName }) => resolve(dirname(file), fileName.replace(/\.js$/, '.ts')))
    .filter((path) => existsSync(path));
}

/** A shortest import path from `start` to a module inside `folder` (undefined when there is none). */
export function importPathInto(start: string, folder: string): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (file.startsWith(`${folder}/`)) {
      const path = [file];
      while (previous.has(path[0] as string)) path.unshift(previous.get(path[0] as string) as string);
      return path;
    }
    for (const imported of relativeImportsOf(file)) {
      if (seen.has(imported)) continue;
      seen.add(imported);
      previous.set(imported, file);
      queue.push(imported);
    }
  }
  return undefined;
}
