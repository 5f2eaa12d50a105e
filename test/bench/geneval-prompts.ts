/**
 * Loader of GenEval prompts for benchmarks (a module, not a benchmark): the official
 * `evaluation_metadata.jsonl` when available, else the suite the project generates itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateGenevalSuite } from '../../src/reference-world/scene/geneval-suite.js';
import { isGenevalColor, isGenevalRelation } from '../../src/reference-world/scene/geneval-spec.js';
import type { GenevalObject, GenevalSpec } from '../../src/reference-world/scene/geneval-spec.js';

/** Where the specs came from, the file read (if any), and the specs. */
export interface GenevalPrompts {
  source: 'official' | 'generated';
  path?: string;
  specs: GenevalSpec[];
}

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Default location of the official metadata, next to the repository (`../shared/data/geneval/`). */
export const DEFAULT_GENEVAL_METADATA = resolve(repositoryRoot, '../shared/data/geneval/evaluation_metadata.jsonl');

function parseObject(value: unknown, line: number): GenevalObject {
  const record = value as Record<string, unknown> | null;
  if (!record || typeof record.class !== 'string' || typeof record.count !== 'number') throw new Error(`line ${line}: bad include entry`);
  const object: GenevalObject = { class: record.class, count: record.count };
  if (record.color !== undefined) {
    if (typeof record.color !== 'string' || !isGenevalColor(record.color)) throw new Error(`line ${line}: bad color`);
    object.color = record.color;
  }
  if (record.position !== undefined) {
    const position = record.position as unknown[];
    const [relation, index] = Array.isArray(position) ? position : [];
    if (typeof relation !== 'string' || !isGenevalRelation(relation) || typeof index !== 'number') throw new Error(`line ${line}: bad position`);
    object.position = [relation, index];
  }
  return object;
}

/** Parses GenEval's JSON-lines metadata into specs (throws on malformed lines, naming the line). */
export function parseGenevalMetadata(text: string): GenevalSpec[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (!Array.isArray(record.include)) throw new Error(`line ${number}: no include list`);
      const spec: GenevalSpec = { include: record.include.map((entry) => parseObject(entry, number)) };
      if (typeof record.tag === 'string') spec.tag = record.tag;
      if (Array.isArray(record.exclude)) {
        spec.exclude = record.exclude.map((entry) => {
          const { class: className, count } = entry as { class?: unknown; count?: unknown };
          if (typeof className !== 'string' || typeof count !== 'number') throw new Error(`line ${number}: bad exclude entry`);
          return { class: className, count };
        });
      }
      if (typeof record.prompt === 'string') spec.prompt = record.prompt;
      return spec;
    });
}

/**
 * GenEval specs for a benchmark: `$DIFFALIGN_GENEVAL_METADATA` if set (it must exist), else
 * `<repo>/../shared/data/geneval/evaluation_metadata.jsonl` if present, else generateGenevalSuite().
 */
export function loadGenevalPrompts(): GenevalPrompts {
  const configured = process.env.DIFFALIGN_GENEVAL_METADATA;
  if (configured !== undefined && configured !== '') {
    const path = resolve(configured);
    return { source: 'official', path, specs: parseGenevalMetadata(readFileSync(path, 'utf8')) };
  }
  if (existsSync(DEFAULT_GENEVAL_METADATA)) {
    return { source: 'official', path: DEFAULT_GENEVAL_METADATA, specs: parseGenevalMetadata(readFileSync(DEFAULT_GENEVAL_METADATA, 'utf8')) };
  }
  return { source: 'generated', specs: generateGenevalSuite() };
}
