#!/usr/bin/env node
// The `diffalign` command (package.json "bin"): runs the TypeScript CLI in src/runtime/cli.ts through tsx,
// so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/runtime/cli.ts');
process.exitCode = await main(process.argv);
