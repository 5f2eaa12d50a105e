import { Command, Option } from 'commander';
import { integerArgument } from './cli-arguments.js';
import type { CliIo } from './cli-io.js';

interface ServeFlags {
  readonly host?: string;
  readonly port?: number;
  readonly dataDir?: string;
  readonly playground?: 'on' | 'off';
}

/**
 * `diffalign serve [--host H] [--port P] [--data-dir DIR] [--playground on|off]`: the local server, as
 * `npm start` runs it (src/runtime/node.ts), in this process — so it is the process that gets Ctrl-C or
 * SIGTERM and shuts down gracefully. The flags set the matching DIFFALIGN_* variables; every other setting
 * comes from the environment as for `npm start`. Exit codes are the server's: 0 after a graceful shutdown,
 * 2 when it cannot start (busy port, unwritable data dir, bad configuration; it says what to set).
 */
export function serveCommand(io: CliIo): Command {
  return new Command('serve')
    .description('start the local diffalign server (the API and the playground at http://127.0.0.1:8787/), like npm start')
    .option('--host <host>', 'interface to listen on (DIFFALIGN_HOST, default 127.0.0.1; anything else needs auth on)')
    .option('--port <port>', 'port to listen on (DIFFALIGN_PORT, default 8787; 0: any free port)', integerArgument(0, 65535))
    .option('--data-dir <dir>', 'directory of the local store (DIFFALIGN_DATA_DIR, default ./data)')
    .addOption(new Option('--playground <on|off>', 'serve the playground page at / (DIFFALIGN_PLAYGROUND, default on)').choices(['on', 'off']))
    .addHelpText('after', '\nEvery DIFFALIGN_* variable of the README\'s Configuration applies. Stop it with Ctrl-C (graceful: running generations finish).')
    .action(async (flags: ServeFlags) => {
      const overrides: Record<string, string | undefined> = {
        DIFFALIGN_HOST: flags.host,
        DIFFALIGN_PORT: flags.port === undefined ? undefined : String(flags.port),
        DIFFALIGN_DATA_DIR: flags.dataDir,
        DIFFALIGN_PLAYGROUND: flags.playground,
      };
      // the server reads process.env (as under npm start); the flags take precedence over the environment
      for (const [name, value] of Object.entries({ ...io.env, ...overrides })) if (value !== undefined) process.env[name] = value;
      await import('./node.js');
    });
}
