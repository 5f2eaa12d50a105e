import { type Command, InvalidArgumentError } from 'commander';
import { ApiClient, ApiError, ServerUnreachableError } from '../playground/client/api-client.js';
import { type CliIo, EXIT } from './cli-io.js';

/** The port a local server listens on unless DIFFALIGN_PORT says otherwise. */
const DEFAULT_PORT = 8787;

/** `--server` and `--key` as commander parses them. */
export interface ServerFlags {
  readonly server?: string;
  readonly key?: string;
}

/** Adds `--server URL` and `--key KEY` to a command that talks to a diffalign server. */
export function withServerOptions(command: Command): Command {
  return command
    .option('--server <url>', 'base URL of the diffalign server (default: $DIFFALIGN_SERVER, else the local server http://127.0.0.1:$DIFFALIGN_PORT, port 8787)', parseServerUrl)
    .option('--key <key>', 'API key sent as Authorization: Bearer (default: $DIFFALIGN_API_KEY); needed once the server has keys');
}

/** The server a command talks to and whether the user named it (else it is the local default). */
export interface ServerTarget {
  readonly client: ApiClient;
  readonly baseUrl: string;
  readonly explicit: boolean;
}

/**
 * The API client of `--server`/`--key`, falling back to DIFFALIGN_SERVER/DIFFALIGN_API_KEY, then the local
 * server; a string says what is wrong with DIFFALIGN_SERVER (`--server` itself is checked by commander).
 */
export function serverTarget(flags: ServerFlags, io: CliIo): ServerTarget | string {
  const named = flags.server ?? nonEmpty(io.env['DIFFALIGN_SERVER']);
  let baseUrl: string;
  try {
    baseUrl = named !== undefined ? parseServerUrl(named) : `http://127.0.0.1:${nonEmpty(io.env['DIFFALIGN_PORT']) ?? DEFAULT_PORT}`;
  } catch (error) {
    return `DIFFALIGN_SERVER: ${(error as Error).message}`;
  }
  const key = flags.key ?? nonEmpty(io.env['DIFFALIGN_API_KEY']);
  return { client: new ApiClient({ baseUrl, apiKey: () => key }), baseUrl, explicit: named !== undefined };
}

/**
 * What to tell the user about a failed call, and the exit code: unreachable (3, with how to start a local
 * server), key refused (4, with how to pass one), refused as invalid (2, naming each field), else 1.
 */
export function apiFailure(error: unknown, target: ServerTarget): { readonly message: string; readonly code: number } {
  if (error instanceof ServerUnreachableError) {
    return {
      message: target.explicit
        ? `${error.message}: check --server (or DIFFALIGN_SERVER) and that the server is up`
        : `no diffalign server at ${target.baseUrl}: start one with \`npx diffalign serve\` (in another terminal), or pass --server URL`,
      code: EXIT.unreachable,
    };
  }
  if (error instanceof ApiError) {
    const fields = (error.problem.invalid_params ?? []).map((param) => `\n  ${param.name}: ${param.reason}`).join('');
    const code = error.code ? ` (${error.code})` : '';
    if (error.status === 401) return { message: `${error.problem.detail}${code}: pass --key da_… or set DIFFALIGN_API_KEY (create one with \`npx diffalign keys create --tenant NAME\`)`, code: EXIT.unauthorized };
    // the fields, when the problem names them (its detail lists the same), else the detail
    if (error.status === 400 || error.status === 413 || error.status === 422) return { message: `the server refused the request${code}:${fields || ` ${error.problem.detail}`}`, code: EXIT.usage };
    return { message: `the server answered ${error.status}${code}: ${error.problem.detail}`, code: EXIT.failure };
  }
  return { message: error instanceof Error ? error.message : String(error), code: EXIT.failure };
}

function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:8787');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:8787');
  return url.href.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
