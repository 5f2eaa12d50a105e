/**
 * Exit codes of the CLI: 0 done; 1 the command failed (a generation failed, the server or the store answered
 * an error); 2 bad usage (an unknown flag, a bad value, a request the server refused as invalid, bad
 * configuration); 3 the server did not answer (not running, wrong --server); 4 the server refused the API
 * key (missing, unknown or revoked).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, unreachable: 3, unauthorized: 4 } as const;

/** Where the CLI reads and writes (process streams by default; tests pass their own). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

/** Writes `diffalign <command>: <message>` on stderr and answers the exit code. */
export function fail(io: CliIo, command: string, message: string, code: number): number {
  io.stderr.write(`diffalign ${command}: ${message}\n`);
  return code;
}
