import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /listening on (http:\/\/[^\s"]+)/;
const STARTUP_TIMEOUT_MS = 30_000;

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A real `src/runtime/node.ts` process (what `npm start` runs) and how long it took to listen. */
export interface RunningServer {
  readonly baseUrl: string;
  readonly startupMs: number;
  /** The server process's pid. */
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<ProcessEnd>;
  /** Sends a signal (default SIGTERM) and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** How a process ended, and what it wrote. */
export interface ProcessEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts the local server as `npm start` does, on a given port and data directory; `nodeArgs` runs another
 * entry that prints a `listening on http://…` line (`bin/diffalign.js serve`, `bin/diffalign.js emulator`).
 */
export async function startServer(env: Record<string, string>, nodeArgs: readonly string[] = SERVER_ARGS): Promise<RunningServer> {
  const started = Date.now();
  const child = spawnNode(env, nodeArgs);
  const streams = collect(child);
  const baseUrl = await listeningUrl(child, streams.output);
  const startupMs = Date.now() - started;
  return {
    baseUrl,
    startupMs,
    pid: child.pid!,
    output: streams.output,
    exited: streams.ended,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await streams.ended;
    },
  };
}

/** Runs the server expecting it to stop by itself (a startup failure) and answers how it ended. */
export async function runServerUntilExit(env: Record<string, string>, timeoutMs = STARTUP_TIMEOUT_MS): Promise<ProcessEnd> {
  const child = spawnNode(env);
  const streams = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await streams.ended;
  } finally {
    clearTimeout(timer);
  }
}

/** `npm start` in a process group of its own (npm, its `sh -c`, and node), as a terminal or container runs it. */
export interface NpmStartedServer {
  readonly baseUrl: string;
  /** pid of the node server process (a grandchild: npm → sh → node), read from its listening line. */
  readonly serverPid: number;
  output(): string;
  /** Signals the whole process group, as Ctrl-C or `docker stop` does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Resolves once every process holding npm's stdout and stderr (npm and the node server) has exited. */
  readonly closed: Promise<ProcessEnd>;
}

/** Starts `npm start` detached (its own process group). */
export async function startNpmStart(env: Record<string, string>): Promise<NpmStartedServer> {
  const child = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const streams = collect(child);
  const baseUrl = await listeningUrl(child, streams.output);
  const line = streams.output().split('\n').find((candidate) => LISTENING.test(candidate)) ?? '';
  const serverPid = Number(/"pid":(\d+)/.exec(line)?.[1]);
  return {
    baseUrl,
    serverPid,
    output: streams.output,
    signalGroup: (signal) => process.kill(-child.pid!, signal),
    closed: streams.ended,
  };
}

/**
 * Whether a process with this pid is alive. An orphan that exited under a PID 1 that does not reap it is a
 * zombie, which `kill(pid, 0)` still reaches: on Linux its state in /proc says so.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What `npm start` runs. */
const SERVER_ARGS = ['--import', 'tsx', 'src/runtime/node.ts'] as const;

function spawnNode(env: Record<string, string>, nodeArgs: readonly string[] = SERVER_ARGS): ChildProcess {
  return spawn(process.execPath, [...nodeArgs], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's stdout and stderr; `ended` resolves on `close`: every process holding its pipes has exited. */
function collect(child: ChildProcess): { output: () => string; ended: Promise<ProcessEnd> } {
  let stdout = '';
  let stderr = '';
  let both = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    both += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    both += chunk.toString();
  });
  const ended = new Promise<ProcessEnd>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal, stdout, stderr }));
  });
  return { output: () => both, ended };
}

function listeningUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output()}`)), STARTUP_TIMEOUT_MS);
    const onData = (): void => {
      const match = LISTENING.exec(output());
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.off('exit', onExit);
        resolve(match[1]!);
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}
