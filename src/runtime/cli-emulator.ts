import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { integerArgument } from './cli-arguments.js';
import { type CliIo, EXIT } from './cli-io.js';

interface EmulatorFlags {
  readonly host: string;
  readonly port: number;
  readonly threads?: number;
  readonly faults?: string;
  readonly faultsFile?: string;
}

/**
 * `diffalign emulator [--host H] [--port P] [--threads N] [--faults JSON | --faults-file PATH]`: the SageMaker
 * runtime emulator (src/emulator/emulator-cli.ts, what `npm run emulator` runs) serving the reference world
 * under the endpoint names of the SageMaker configuration. It runs as a child process with this one's
 * terminal; Ctrl-C and SIGTERM are passed on, and its exit code is this command's (2: bad options or faults).
 */
export function emulatorCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('emulator')
    .description('start the SageMaker runtime emulator (the reference world behind SageMaker endpoint names), like npm run emulator')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', integerArgument(0, 65535), 8790)
    .option('--threads <n>', 'worker threads of the reference world (default: the core count)', integerArgument(0, 64))
    .option('--faults <json>', 'a fault plan (JSON) to inject errors and delays; change it at run time with PUT /_faults')
    .option('--faults-file <path>', 'read the fault plan from a file')
    .addHelpText('after', '\nEndpoint names come from DIFFALIGN_SM_*_ENDPOINT (see the README\'s SageMaker section). Point a server at it: DIFFALIGN_BACKEND=sagemaker DIFFALIGN_SAGEMAKER_URL=http://127.0.0.1:8790 npx diffalign serve')
    .action(async (flags: EmulatorFlags) => setExitCode(await runEmulator(flags, io)));
}

function runEmulator(flags: EmulatorFlags, io: CliIo): Promise<number> {
  const script = fileURLToPath(new URL('../emulator/emulator-cli.ts', import.meta.url));
  const args = [
    '--import',
    import.meta.resolve('tsx'),
    script,
    '--host',
    flags.host,
    '--port',
    String(flags.port),
    ...(flags.threads !== undefined ? ['--threads', String(flags.threads)] : []),
    ...(flags.faults !== undefined ? ['--faults', flags.faults] : []),
    ...(flags.faultsFile !== undefined ? ['--faults-file', flags.faultsFile] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: io.cwd, env: { ...io.env }, stdio: ['inherit', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => io.stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', (error) => {
      io.stderr.write(`diffalign emulator: could not start it: ${error.message}\n`);
      resolve(EXIT.failure);
    });
    child.once('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? EXIT.ok : EXIT.failure));
    });
  });
}
