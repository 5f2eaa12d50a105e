import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderOpenApiTypes } from '../../src/runtime/openapi-types.js';
import { renderOpenApiYaml } from '../../src/runtime/openapi-yaml.js';

describe('openapi.yaml', () => {
  it('is what `npm run openapi` generates from the zod schemas (run it and commit when this fails)', () => {
    // Prepare
    const committed = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8');
    // Act
    const generated = renderOpenApiYaml();
    // Assess
    expect(committed).toBe(generated);
  });

  it('has its client types in src/client/openapi-types.ts as `npm run openapi` generates them (run it and commit when this fails)', async () => {
    // Prepare
    const committed = readFileSync(new URL('../../src/client/openapi-types.ts', import.meta.url), 'utf8');
    // Act
    const generated = await renderOpenApiTypes();
    // Assess
    expect(committed).toBe(generated);
  });

  it('describes the generation endpoints with problem+json errors', () => {
    // Prepare
    const document = parse(renderOpenApiYaml()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
    // Act
    const post = document.paths['/v1/generations']?.post;
    // Assess
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/generations', '/v1/generations/{id}', '/v1/generations/{id}/candidates/{candidateId}', '/v1/models', '/healthz', '/openapi.json']),
    );
    expect(Object.keys(post?.responses['422']?.content ?? {})).toEqual(['application/problem+json']);
  });

  it('names every operation with a unique operationId, so generated SDKs get readable function names', () => {
    // Prepare
    const document = parse(renderOpenApiYaml()) as { paths: Record<string, Record<string, { operationId?: string }>> };
    // Act
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((operation) => operation.operationId);
    // Assess
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(operations.length);
  });
});
