import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderOpenApiYaml } from './openapi-yaml.js';

/** `npm run openapi`: writes openapi.yaml from the zod schemas; `--check` fails when the file is stale. */
function main(): void {
  const path = resolve(process.cwd(), 'openapi.yaml');
  const generated = renderOpenApiYaml();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = '';
    }
    if (current !== generated) {
      console.error('openapi.yaml is stale: run `npm run openapi` and commit the result');
      process.exit(1);
    }
    console.log('openapi.yaml is up to date');
    return;
  }
  writeFileSync(path, generated);
  console.log(`wrote ${path}`);
}

main();
