/**
 * The `diffalign` command line (`npx diffalign …`, bin/diffalign.js), built on commander:
 * `serve` (the local server), `generate` (a generation with progress, written to a directory), `feedback`
 * (one feedback event), `harvest` (datasets from the store), `keys` (API keys), `emulator` (the SageMaker
 * emulator). Every command has `--help`; the commands that print results have `--json`.
 * Exit codes (EXIT): 0 done, 1 the command failed, 2 bad usage or configuration, 3 the server did not answer,
 * 4 the server refused the API key.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { emulatorCommand } from './cli-emulator.js';
import { feedbackCommand } from './cli-feedback.js';
import { generateCommand } from './cli-generate.js';
import { harvestCommand } from './cli-harvest.js';
import { type CliIo, EXIT } from './cli-io.js';
import { serveCommand } from './cli-serve.js';
import { keysCommand } from './keys-cli.js';

export { type CliIo, EXIT } from './cli-io.js';
export { formatSummary } from './cli-harvest.js';
export { createConfiguredStore } from './configured-store.js';

const EXIT_CODES_HELP = [
  '',
  'Exit codes: 0 done · 1 the command failed · 2 bad usage or configuration (or a request the server refused as invalid)',
  '            3 the server did not answer · 4 the server refused the API key',
  '',
  'Start here:  npx diffalign serve        (then open http://127.0.0.1:8787/ for the playground)',
  '             npx diffalign generate "a photo of a red apple" --budget 8',
].join('\n');

/** Runs the CLI on `argv` (as `process.argv`: node, script, arguments…) and resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('diffalign')
    .description('diffalign: inference-time alignment of text-to-image diffusion models')
    .version(packageVersion(), '-V, --version')
    .addHelpText('after', EXIT_CODES_HELP)
    .addCommand(serveCommand(io))
    .addCommand(generateCommand(io, setExitCode))
    .addCommand(feedbackCommand(io, setExitCode))
    .addCommand(harvestCommand(io, setExitCode))
    .addCommand(keysCommand(io, setExitCode))
    .addCommand(emulatorCommand(io, setExitCode));
  configure(program, io);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    throw error;
  }
}

/**
 * The same behaviour on every command and subcommand (addCommand does not pass settings on): errors throw
 * instead of exiting, output goes to `io`, and a usage error says how to get help.
 */
function configure(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError(`(run \`${commandPath(command)} --help\` for the options)`);
  for (const sub of command.commands) configure(sub, io);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Whether this module is the process's entry script (`node --import tsx src/runtime/cli.ts …`), not imported (`bin/diffalign.js`). */
function isEntryScript(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryScript()) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`diffalign: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
