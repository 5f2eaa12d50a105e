import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/runtime/cli.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** How a CLI run ended and what it wrote. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a node entry of the repo (`bin/diffalign.js`, or a `.ts` file through tsx) with arguments and environment overrides. */
export function runNodeEntry(entry: string, args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), entry, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI's `main` in this process with captured streams (fast; spawned runs cover the real entry points). */
export async function runCliInProcess(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const sink = (): PassThrough & { text: () => string } => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return Object.assign(stream, { text: () => text });
  };
  const stdout = sink();
  const stderr = sink();
  const code = await main(['node', 'diffalign', ...args], { stdout, stderr, env, cwd: repoRoot });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
