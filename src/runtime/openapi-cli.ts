import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderOpenApiTypes } from './openapi-types.js';
import { renderOpenApiYaml } from './openapi-yaml.js';

/** The generated files of `npm run openapi`, relative to the repository root. */
const OUTPUTS = { yaml: 'openapi.yaml', types: 'src/client/openapi-types.ts' } as const;

/**
 * `npm run openapi`: writes openapi.yaml from the zod schemas and the client types generated from it;
 * `--check` fails when either file is stale.
 */
async function main(): Promise<void> {
  const yaml = renderOpenApiYaml();
  const generated: Record<string, string> = { [OUTPUTS.yaml]: yaml, [OUTPUTS.types]: await renderOpenApiTypes(yaml) };
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [relativePath, content] of Object.entries(generated)) {
    const path = resolve(process.cwd(), relativePath);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        current = '';
      }
      if (current !== content) {
        console.error(`${relativePath} is stale: run \`npm run openapi\` and commit the result`);
        stale = true;
      }
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${path}`);
  }
  if (stale) process.exit(1);
  if (check) console.log('openapi.yaml and the client types are up to date');
}

await main();
