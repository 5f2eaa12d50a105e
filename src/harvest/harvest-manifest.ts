import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PairSignal } from './harvest-rules.js';
import type { KtoSplit } from './kto-labels.js';

/** `manifest.json` of a harvest: what it read, the rules and thresholds, what it wrote, and a content hash. */
export interface HarvestManifest {
  readonly format: 'diffalign-harvest/1';
  readonly diffalign_version: string;
  readonly created_at: string;
  readonly tenant: string;
  /** Inclusive `dt` range (UTC receive dates); null where open. */
  readonly date_range: { readonly from: string | null; readonly to: string | null };
  /** How the feedback was read: the store's provider, and `direct` (fs, Hive partitions in place) or `staged` (copied through the port). */
  readonly source: { readonly store: string; readonly read: 'direct' | 'staged'; readonly staged_objects: number };
  readonly rules: readonly string[];
  readonly thresholds: { readonly ai_margin: number; readonly include_ai_feedback: boolean; readonly ai_max_pairs_per_generation: number };
  readonly weights: Readonly<Record<PairSignal, number>>;
  readonly counts: HarvestCounts;
  /** Every output file (not this manifest), sorted by path. */
  readonly files: readonly OutputFileDigest[];
  /** SHA-256 of the `sha256sum`-style listing of `files` (`<sha256>  <path>\n` per file, in order). */
  readonly content_sha256: string;
  /** What was left out that a reader of the dataset should know about (the counts say how much). */
  readonly warnings: readonly string[];
}

/** Counts per stage, per output and per signal. */
export interface HarvestCounts {
  readonly events: {
    /** Rows of the scope (tenant, dt range). */
    readonly read: number;
    readonly malformed: number;
    readonly unconsented: number;
    readonly erased_user: number;
    readonly duplicate_event_id: number;
    readonly duplicate_client_event_id: number;
    /** About a generation of an erased app user. */
    readonly erased_generation: number;
    /** About a generation whose record is gone. */
    readonly missing_generation: number;
    /** Naming a candidate the generation does not have (kept in events.parquet, ignored by the rules). */
    readonly unknown_candidate: number;
    /** Rows of events.parquet. */
    readonly harvested: number;
  };
  readonly generations: { readonly referenced: number; readonly included: number; readonly erased: number; readonly missing: number };
  readonly preferences: {
    readonly total: number;
    readonly human: number;
    readonly ai_feedback: number;
    readonly by_signal: Readonly<Record<PairSignal, number>>;
    readonly ties_dropped: number;
    readonly conflicting_dropped: number;
  };
  readonly kto: Readonly<Record<KtoSplit, number>> & { readonly total: number; readonly images: number };
  readonly rankings: number;
  /** Pairs, KTO labels and ranking entries left out because the image is not in the store. */
  readonly missing_images: number;
}

/** One output file. */
export interface OutputFileDigest {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Digests of the given output files and directories (relative to `out`; directories recursively), sorted by
 * path, and the content hash over them. Files in `known` were hashed as they were written and are not read again.
 */
export async function digestOutputs(out: string, entries: readonly string[], known: readonly OutputFileDigest[] = []): Promise<{ files: OutputFileDigest[]; contentSha256: string }> {
  const hashed = new Map(known.map((file) => [file.path, file]));
  const paths: string[] = [];
  for (const entry of entries) {
    const listed = await readdir(join(out, entry), { recursive: true, withFileTypes: true }).catch(() => null);
    if (listed === null) paths.push(entry);
    else for (const file of listed) if (file.isFile()) paths.push(join(file.parentPath, file.name).slice(out.length + 1).split('\\').join('/'));
  }
  const files: OutputFileDigest[] = [];
  for (const path of paths.sort()) {
    const digest = hashed.get(path);
    if (digest) {
      files.push(digest);
      continue;
    }
    const body = await readFile(join(out, path));
    files.push({ path, bytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
  }
  const listing = files.map((file) => `${file.sha256}  ${file.path}\n`).join('');
  return { files, contentSha256: createHash('sha256').update(listing).digest('hex') };
}

/** The version in diffalign's package.json (found by walking up from this module), or `unknown`. */
export function diffalignVersion(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'diffalign' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no package.json here: look one level up
    }
    directory = dirname(directory);
  }
  return 'unknown';
}

/** The warnings a harvest's counts call for: data that was there but could not be used. */
export function harvestWarnings(counts: HarvestCounts): string[] {
  const warnings: string[] = [];
  if (counts.events.malformed > 0) warnings.push(`${counts.events.malformed} feedback lines were malformed (no event id, generation, receive time or a known type) and were skipped`);
  if (counts.events.missing_generation > 0) warnings.push(`${counts.events.missing_generation} events were about ${counts.generations.missing} generations whose records are gone, and were dropped`);
  if (counts.events.unknown_candidate > 0) warnings.push(`${counts.events.unknown_candidate} events named candidates their generation does not have (or that failed), and were ignored`);
  if (counts.missing_images > 0) warnings.push(`${counts.missing_images} pairs, labels or ranking entries were left out because an image is not in the store`);
  return warnings;
}
