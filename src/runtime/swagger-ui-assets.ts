import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SwaggerUiAsset } from '../api/docs/api-reference-page.js';

/** The installed swagger-ui-dist's directory. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Reads a Swagger UI file from the installed package (read once, then kept), so `/docs` works with no network. */
export function swaggerUiAssetReader(): (name: SwaggerUiAsset) => Promise<Uint8Array | null> {
  const cache = new Map<SwaggerUiAsset, Promise<Uint8Array | null>>();
  return (name) => {
    let bytes = cache.get(name);
    if (!bytes) {
      bytes = readFile(join(SWAGGER_UI_DIR, name)).then(
        (buffer) => new Uint8Array(buffer),
        () => null,
      );
      cache.set(name, bytes);
    }
    return bytes;
  };
}
