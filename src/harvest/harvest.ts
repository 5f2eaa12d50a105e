import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BlobStore } from '../ports/blob-store.js';
import { writeDatasets } from './dataset-writer.js';
import { locateFeedbackFiles } from './feedback-location.js';
import { readFeedback } from './feedback-reader.js';
import type { FeedbackScope } from './feedback-sql.js';
import { harvestKept, type GenerationHarvest } from './generation-harvest.js';
import { loadGenerations } from './generation-loader.js';
import { HarvestDatabase } from './harvest-database.js';
import { HarvestOptionsError, HarvestOutputError } from './harvest-errors.js';
import { diffalignVersion, digestOutputs, harvestWarnings, type HarvestCounts, type HarvestManifest } from './harvest-manifest.js';
import { DEFAULT_THRESHOLDS, HARVEST_RULES, PAIR_SIGNALS, SIGNAL_WEIGHTS, type HarvestThresholds } from './harvest-rules.js';
import { collectImages } from './image-collector.js';
import { OUTPUT_FILES } from './output-files.js';

/** Options of `harvest()`. */
export interface HarvestOptions {
  readonly store: BlobStore;
  readonly tenant: string;
  /** First `dt` partition (UTC receive date, `YYYY-MM-DD`), inclusive; absent: from the start. */
  readonly from?: string;
  /** Last `dt` partition, inclusive; absent: to the end. */
  readonly to?: string;
  /** Local directory the datasets are written to (created; must be empty or hold an earlier harvest). */
  readonly out: string;
  readonly aiMarginThreshold?: number;
  readonly includeAiFeedback?: boolean;
  readonly aiMaxPairsPerGeneration?: number;
  readonly onProgress?: (progress: HarvestProgress) => void;
  /** Clock of the manifest's `created_at` (tests). */
  readonly now?: () => Date;
}

/** Phases of a harvest, in order. */
export const HARVEST_PHASES = ['stage', 'events', 'records', 'rules', 'images', 'write'] as const;
export type HarvestPhase = (typeof HARVEST_PHASES)[number];

/** Progress of a phase: `done` of `total` units (objects staged, records loaded, images, …). */
export interface HarvestProgress {
  readonly phase: HarvestPhase;
  readonly done: number;
  readonly total: number;
}

/** What a harvest wrote, and how long each phase took. */
export interface HarvestResult {
  readonly out: string;
  readonly manifest: HarvestManifest;
  /** Wall time per phase. */
  readonly timingsMs: Readonly<Record<HarvestPhase, number>>;
  /** CPU time of the process per phase (user + system, all threads: DuckDB's too), telling work from waiting on a busy machine. */
  readonly cpuMs: Readonly<Record<HarvestPhase, number>>;
}

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const OUTPUTS = [OUTPUT_FILES.datasetCard, OUTPUT_FILES.preferences, OUTPUT_FILES.rankings, OUTPUT_FILES.events, 'kto'] as const;

/**
 * Harvests one tenant's feedback and generations into training datasets under `out`: `preferences.parquet`
 * (Pick-a-Pic v2 layout for Diffusion-DPO, with provenance and noise recipes), `kto/` (Diffusion-KTO's csv
 * beside the images), `rankings.parquet` (listwise), `events.parquet` (the events that counted), `README.md`
 * (a 🤗 datasets card, so trainers load the directory) and `manifest.json` (counts, rules, thresholds,
 * content hash; written last, so its presence marks a complete harvest). Reading and deduplication run in
 * an embedded DuckDB (`feedback-reader.ts`); the rules (`harvest-rules.ts`) in JS on the kept events'
 * columns, one generation at a time.
 */
export async function harvest(options: HarvestOptions): Promise<HarvestResult> {
  const scope = validateScope(options);
  const thresholds = validateThresholds(options);
  const out = resolve(options.out);
  await prepareOutputDirectory(out);
  const report = options.onProgress ?? (() => undefined);
  const timings = Object.fromEntries(HARVEST_PHASES.map((phase) => [phase, 0])) as Record<HarvestPhase, number>;
  const cpu = { ...timings };
  const timed = async <T>(phase: HarvestPhase, work: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    try {
      return await work();
    } finally {
      timings[phase] += performance.now() - started;
      const used = process.cpuUsage(cpuStarted);
      cpu[phase] += (used.user + used.system) / 1000;
    }
  };

  const temp = await mkdtemp(join(tmpdir(), 'diffalign-harvest-'));
  const db = await HarvestDatabase.open(join(temp, 'duckdb'));
  try {
    const files = await timed('stage', () => locateFeedbackFiles(options.store, scope, join(temp, 'store'), (done, total) => report({ phase: 'stage', done, total })));
    report({ phase: 'events', done: 0, total: 1 });
    const feedback = await timed('events', () => readFeedback(db, files.root, scope));
    report({ phase: 'events', done: 1, total: 1 });

    const ids = feedback.events.generationIds();
    const loaded = await timed('records', () =>
      loadGenerations(options.store, scope.tenant, ids, feedback.erasedUsers, (done, total) => report({ phase: 'records', done, total })),
    );

    const harvests: GenerationHarvest[] = await timed('rules', () =>
      ids.flatMap((id) => {
        const generation = loaded.generations.get(id);
        return generation ? [harvestKept(generation, feedback.events, thresholds)] : [];
      }),
    );
    report({ phase: 'rules', done: harvests.length, total: harvests.length });

    const images = await timed('images', () => collectImages(db, options.store, scope.tenant, harvests, out, (done, total) => report({ phase: 'images', done, total })));

    const manifest = await timed('write', async () => {
      report({ phase: 'write', done: 0, total: 1 });
      const written = await writeDatasets(db, { harvests, droppedGenerations: [...loaded.erased, ...loaded.missing], scopedFeedback: feedback.scoped }, images, out, temp);
      const digest = await digestOutputs(out, OUTPUTS, images.ktoFiles);
      const eventsAbout = (generations: readonly string[]): number => generations.reduce((sum, id) => sum + feedback.events.countOf(id), 0);
      const counts: HarvestCounts = {
        events: {
          read: feedback.counts.read,
          malformed: feedback.counts.malformed,
          unconsented: feedback.counts.unconsented,
          erased_user: feedback.counts.erasedUser,
          duplicate_event_id: feedback.counts.duplicateEventId,
          duplicate_client_event_id: feedback.counts.duplicateClientEventId,
          erased_generation: eventsAbout(loaded.erased),
          missing_generation: eventsAbout(loaded.missing),
          unknown_candidate: harvests.reduce((sum, entry) => sum + entry.ignoredEvents, 0),
          harvested: written.events,
        },
        generations: { referenced: ids.length, included: harvests.length, erased: loaded.erased.length, missing: loaded.missing.length },
        preferences: {
          total: written.preferences,
          human: written.preferences - written.aiFeedback,
          ai_feedback: written.aiFeedback,
          by_signal: Object.fromEntries(PAIR_SIGNALS.map((signal) => [signal, written.preferencesBySignal[signal]])) as HarvestCounts['preferences']['by_signal'],
          ties_dropped: harvests.reduce((sum, entry) => sum + entry.ties, 0),
          conflicting_dropped: harvests.reduce((sum, entry) => sum + entry.conflicting, 0),
        },
        kto: { ...written.kto, total: written.kto.exclusive_win + written.kto.exclusive_lose + written.kto.intersections, images: written.images },
        rankings: written.rankings,
        missing_images: written.missingImages,
      };
      const result: HarvestManifest = {
        format: 'diffalign-harvest/1',
        diffalign_version: diffalignVersion(),
        created_at: (options.now?.() ?? new Date()).toISOString(),
        tenant: scope.tenant,
        date_range: { from: scope.from ?? null, to: scope.to ?? null },
        source: { store: options.store.provider, read: files.mode, staged_objects: files.staged },
        rules: HARVEST_RULES,
        thresholds: { ai_margin: thresholds.aiMarginThreshold, include_ai_feedback: thresholds.includeAiFeedback, ai_max_pairs_per_generation: thresholds.aiMaxPairsPerGeneration },
        weights: SIGNAL_WEIGHTS,
        counts,
        files: digest.files,
        content_sha256: digest.contentSha256,
        warnings: harvestWarnings(counts),
      };
      await writeFile(join(out, 'manifest.json'), `${JSON.stringify(result, null, 2)}\n`);
      report({ phase: 'write', done: 1, total: 1 });
      return result;
    });
    return { out, manifest, timingsMs: timings, cpuMs: cpu };
  } finally {
    db.close();
    await rm(temp, { recursive: true, force: true });
  }
}

function validateScope(options: HarvestOptions): FeedbackScope {
  if (!TENANT.test(options.tenant)) throw new HarvestOptionsError('tenant', 'lowercase letters, digits and dashes (as DIFFALIGN_TENANT)');
  for (const [name, value] of [['from', options.from], ['to', options.to]] as const) {
    if (value !== undefined && !isCalendarDate(value)) throw new HarvestOptionsError(name, `expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) {
    throw new HarvestOptionsError('from', `${options.from} is after to (${options.to})`);
  }
  if (options.out.trim() === '') throw new HarvestOptionsError('out', 'an output directory is required');
  return { tenant: options.tenant, ...(options.from !== undefined ? { from: options.from } : {}), ...(options.to !== undefined ? { to: options.to } : {}) };
}

function validateThresholds(options: HarvestOptions): HarvestThresholds {
  const thresholds: HarvestThresholds = {
    aiMarginThreshold: options.aiMarginThreshold ?? DEFAULT_THRESHOLDS.aiMarginThreshold,
    includeAiFeedback: options.includeAiFeedback ?? DEFAULT_THRESHOLDS.includeAiFeedback,
    aiMaxPairsPerGeneration: options.aiMaxPairsPerGeneration ?? DEFAULT_THRESHOLDS.aiMaxPairsPerGeneration,
  };
  if (!Number.isFinite(thresholds.aiMarginThreshold) || thresholds.aiMarginThreshold < 0) throw new HarvestOptionsError('aiMarginThreshold', 'a number ≥ 0');
  if (!Number.isInteger(thresholds.aiMaxPairsPerGeneration) || thresholds.aiMaxPairsPerGeneration < 0) throw new HarvestOptionsError('aiMaxPairsPerGeneration', 'an integer ≥ 0');
  return thresholds;
}

function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Creates `out`, or clears an earlier harvest's outputs from it; refuses a directory with other files. */
async function prepareOutputDirectory(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(out, { recursive: true });
    return;
  }
  if (entries.length === 0) return;
  if (!entries.includes('manifest.json')) throw new HarvestOutputError(out);
  await rm(join(out, 'manifest.json'), { force: true });
  for (const entry of OUTPUTS) await rm(join(out, entry), { recursive: true, force: true });
}
