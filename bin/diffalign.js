#!/usr/bin/env node
// The `diffalign` command (package.json "bin"): runs the TypeScript CLI in src/runtime/cli.ts through tsx,
// so no build step is needed after `npm ci`. Exit codes: see `diffalign --help`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runtime/cli.ts');
try {
  process.exitCode = await main(process.argv);
} catch (error) {
  process.stderr.write(`diffalign: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
