/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Where the CLI reads and writes (process streams by default; tests pass their own). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

/** Writes `diffalign <command>: <message>` on stderr and answers the exit code. */
export function fail(io: CliIo, command: string, message: string, code: number): number {
  io.stderr.write(`diffalign ${command}: ${message}\n`);
  return code;
}
