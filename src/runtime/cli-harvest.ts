import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { BlobStoreConfigError } from '../adapters/storage/index.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { HarvestProgress, HarvestResult } from '../harvest/index.js';
import type { BlobStore } from '../ports/blob-store.js';
import { integerArgument, numberArgument } from './cli-arguments.js';
import { type CliIo, EXIT, fail as failCommand } from './cli-io.js';
import { createConfiguredStore } from './configured-store.js';

interface HarvestFlags {
  readonly out: string;
  readonly from?: string;
  readonly to?: string;
  readonly tenant?: string;
  readonly aiMargin?: number;
  readonly aiMaxPairs?: number;
  readonly aiFeedback: boolean;
  readonly json?: boolean;
}

/**
 * `diffalign harvest --out DIR [--from YYYY-MM-DD --to YYYY-MM-DD] [--tenant T] [--ai-margin X]
 * [--ai-max-pairs N] [--no-ai-feedback] [--json]`: reads the store the server is configured with (the same
 * environment variables, `loadConfig`), shows progress on stderr, prints a summary (or JSON).
 * Exit codes: 0 done, 2 bad usage or configuration, 1 the harvest failed.
 */
export function harvestCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('harvest')
    .description('harvest consented feedback and generations into DPO pairs, KTO labels, rankings and events')
    .requiredOption('--out <dir>', 'directory to write the datasets to (new, empty, or an earlier harvest)')
    .option('--from <date>', 'first dt partition (UTC receive date, YYYY-MM-DD), inclusive')
    .option('--to <date>', 'last dt partition (UTC receive date, YYYY-MM-DD), inclusive')
    .option('--tenant <tenant>', 'tenant to harvest (default: DIFFALIGN_TENANT)')
    .option('--ai-margin <x>', 'AI-feedback pairs need a reward margin above this (default 0.5)', numberArgument(0))
    .option('--ai-max-pairs <n>', 'at most this many AI-feedback pairs per generation (default 32)', integerArgument(0))
    .option('--no-ai-feedback', 'no AI-feedback pairs (human signals only)')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', '\nReads the store the server is configured with (DIFFALIGN_DATA_DIR, or DIFFALIGN_STORAGE=s3 and its bucket).\nExit codes: 0 done, 1 the harvest failed, 2 bad usage or configuration.')
    .action(async (flags: HarvestFlags) => setExitCode(await runHarvest(flags, io)));
}

async function runHarvest(flags: HarvestFlags, io: CliIo): Promise<number> {
  let store: BlobStore;
  let config: Config;
  try {
    config = loadConfig(io.env, io.cwd);
    store = createConfiguredStore(config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof BlobStoreConfigError) return fail(io, error.message, EXIT.usage);
    throw error;
  }
  // loaded here, not at the top: DuckDB is heavy, and `diffalign keys` should not wait for it
  const { harvest, HarvestOptionsError, HarvestOutputError } = await import('../harvest/index.js');
  const progress = progressBar(io);
  try {
    const result = await harvest({
      store,
      tenant: flags.tenant ?? config.tenant,
      out: resolve(io.cwd, flags.out),
      ...(flags.from !== undefined ? { from: flags.from } : {}),
      ...(flags.to !== undefined ? { to: flags.to } : {}),
      ...(flags.aiMargin !== undefined ? { aiMarginThreshold: flags.aiMargin } : {}),
      ...(flags.aiMaxPairs !== undefined ? { aiMaxPairsPerGeneration: flags.aiMaxPairs } : {}),
      includeAiFeedback: flags.aiFeedback,
      onProgress: progress.update,
    });
    progress.stop();
    for (const warning of result.manifest.warnings) io.stderr.write(`diffalign harvest: warning: ${warning}\n`);
    io.stdout.write(flags.json ? `${JSON.stringify({ out: result.out, timings_ms: result.timingsMs, cpu_ms: result.cpuMs, manifest: result.manifest })}\n` : formatSummary(result));
    return EXIT.ok;
  } catch (error) {
    progress.stop();
    if (error instanceof HarvestOptionsError || error instanceof HarvestOutputError) return fail(io, error.message, EXIT.usage);
    return fail(io, error instanceof Error ? error.message : String(error), EXIT.failure);
  }
}

/** The human summary of a harvest. */
export function formatSummary(result: HarvestResult): string {
  const { manifest } = result;
  const { events, generations, preferences, kto } = manifest.counts;
  const bySignal = Object.entries(preferences.by_signal)
    .filter(([, count]) => count > 0)
    .map(([signal, count]) => `${signal} ${count}`)
    .join(', ');
  const range = `${manifest.date_range.from ?? 'start'} … ${manifest.date_range.to ?? 'end'}`;
  const seconds = (Object.values(result.timingsMs).reduce((sum, ms) => sum + ms, 0) / 1000).toFixed(1);
  return [
    `harvested tenant ${manifest.tenant}, ${range}, into ${result.out} (${seconds} s)`,
    `  events       ${events.harvested} harvested of ${events.read} read (unconsented ${events.unconsented}, erased ${events.erased_user + events.erased_generation}, duplicates ${events.duplicate_event_id + events.duplicate_client_event_id}, malformed ${events.malformed}, deleted generations ${events.missing_generation})`,
    `  generations  ${generations.included} of ${generations.referenced} (erased ${generations.erased}, missing ${generations.missing})`,
    `  preferences  ${preferences.total} pairs${bySignal ? ` (${bySignal})` : ''}; ties dropped ${preferences.ties_dropped}`,
    `  kto          ${kto.exclusive_win} exclusive_win, ${kto.exclusive_lose} exclusive_lose, ${kto.intersections} intersections`,
    `  rankings     ${manifest.counts.rankings}`,
    `  sha256       ${manifest.content_sha256}`,
    '',
  ].join('\n');
}

/** A progress bar on stderr (drawn only when stderr is a terminal); one bar, re-labelled per phase. */
function progressBar(io: CliIo): { update: (progress: HarvestProgress) => void; stop: () => void } {
  if (!io.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: io.stderr, format: '{phase} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | null = null;
  return {
    update: ({ phase: next, done, total }) => {
      if (phase === null) bar.start(total, done, { phase: next.padEnd(7) });
      else if (phase !== next) bar.setTotal(total);
      phase = next;
      bar.update(done, { phase: next.padEnd(7) });
    },
    stop: () => {
      if (phase !== null) bar.stop();
      phase = null;
    },
  };
}

function fail(io: CliIo, message: string, code: number): number {
  return failCommand(io, 'harvest', message, code);
}
