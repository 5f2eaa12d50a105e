import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES } from '../../src/api/http-errors.js';
import { buildOpenApiDocument, LOCAL_SERVER_URL } from '../../src/api/openapi-document.js';
import { feedbackBatchSchema } from '../../src/api/schemas/feedback.js';
import { generationRequestSchema, LIMITS } from '../../src/api/schemas/generation-request.js';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const document = buildOpenApiDocument();
const schemas = (document['components'] as { schemas: Record<string, Json> }).schemas;
const paths = document['paths'] as Record<string, Record<string, Json>>;
const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));

/** Every schema object in a subtree with its JSON pointer (data values such as examples left out). */
function schemaNodes(node: unknown, pointer: string, out: { pointer: string; node: Json }[] = []): { pointer: string; node: Json }[] {
  if (Array.isArray(node)) node.forEach((item, index) => schemaNodes(item, `${pointer}/${index}`, out));
  else if (node !== null && typeof node === 'object') {
    out.push({ pointer, node: node as Json });
    for (const [key, value] of Object.entries(node)) if (!['example', 'examples', 'default', 'const', 'enum'].includes(key)) schemaNodes(value, `${pointer}/${key}`, out);
  }
  return out;
}

/** The request body schema of an operation, as a standalone schema (refs resolved against the document). */
function requestValidator(path: string): (body: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document, 'doc');
  const validate = ajv.compile({ $ref: `doc#/paths/${path.replaceAll('/', '~1')}/post/requestBody/content/application~1json/schema` });
  return (body) => validate(body) as boolean;
}

describe('buildOpenApiDocument', () => {
  it('names every enum: no inline enum anywhere (so generated SDKs get one type per enum, no colliding `Status`)', () => {
    // Act
    const inline = schemaNodes(document, '#').filter(({ pointer, node }) => Array.isArray(node['enum']) && !/^#\/components\/schemas\/[^/]+$/.test(pointer));
    // Assess
    expect(inline.map(({ pointer }) => pointer)).toEqual([]);
    for (const name of ['GenerationStatus', 'CandidateStatus', 'StopReason', 'GenerationPhase', 'ProblemCode', 'SearchMethod', 'RewardAggregate', 'FeedbackType', 'PromptSource']) {
      expect(schemas[name]?.['enum'], name).toBeInstanceOf(Array);
    }
  });

  it('keeps Candidate and Usage non-nullable and makes the nullable references anyOf [$ref, null]', () => {
    // Prepare
    const generation = schemas['Generation']!['properties'] as Record<string, Json>;
    // Assess
    expect(schemas['Candidate']!['type']).toBe('object');
    expect(schemas['Usage']!['type']).toBe('object');
    expect((generation['images']!['items'] as Json)['$ref']).toBe('#/components/schemas/Candidate');
    expect(generation['best']!['anyOf']).toEqual([{ $ref: '#/components/schemas/Candidate' }, { type: 'null' }]);
    expect(generation['usage']!['anyOf']).toEqual([{ $ref: '#/components/schemas/Usage' }, { type: 'null' }]);
    expect(JSON.stringify(document)).not.toContain('"nullable"');
  });

  it('makes the ProblemCode enum exactly the PROBLEM_CODES list', () => {
    // Assess
    expect(schemas['ProblemCode']!['enum']).toEqual([...PROBLEM_CODES]);
    expect((schemas['Problem']!['properties'] as Record<string, Json>)['code']).toEqual({ $ref: '#/components/schemas/ProblemCode' });
  });

  it('gives every operation a summary, a description, a 500 and a default problem answer, and /v1 operations the API key', () => {
    for (const { path, method, operation } of operations) {
      const responses = operation['responses'] as Json;
      // Assess
      expect(operation['summary'], `${method} ${path}`).toEqual(expect.any(String));
      expect(operation['description'], `${method} ${path}`).toEqual(expect.any(String));
      expect(responses['500'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/InternalError' });
      expect(responses['default'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Problem' });
      expect(operation['security'], `${method} ${path}`).toEqual(path.startsWith('/v1/') ? [{ ApiKey: [] }] : []);
      if (path.startsWith('/v1/')) expect(Object.keys(responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '429']));
    }
    expect((document['components'] as { securitySchemes: Json }).securitySchemes['ApiKey']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents the stream as its own content with a named schema per event', () => {
    // Prepare
    const created = paths['/v1/generations']!['post']!['responses'] as Record<string, { content: Record<string, { schema: Json }>; headers: Json }>;
    const events = paths['/v1/generations/{id}/events']!['get']!['responses'] as Record<string, { content: Record<string, { schema: Json }> }>;
    // Assess
    expect(created['200']!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Generation' });
    expect(created['200']!.content['text/event-stream']!.schema).toEqual({ $ref: '#/components/schemas/GenerationEvent' });
    expect(events['200']!.content['text/event-stream']!.schema).toEqual({ $ref: '#/components/schemas/GenerationEvent' });
    const mapping = (schemas['GenerationEvent']!['discriminator'] as { mapping: Record<string, string> }).mapping;
    expect(Object.keys(mapping)).toEqual(['accepted', 'prompt', 'candidate', 'best', 'error', 'done']);
    expect(created['200']!.headers['Location']).toMatchObject({ required: true });
  });

  it('lists the public URL as the server when one is configured, else the local one', () => {
    // Act
    const configured = buildOpenApiDocument({ publicUrl: 'https://api.example.org' });
    // Assess
    expect(configured['servers']).toEqual([{ url: 'https://api.example.org', description: expect.any(String) }]);
    expect(document['servers']).toEqual([{ url: LOCAL_SERVER_URL, description: expect.any(String) }]);
  });

  it('states the limits the server enforces', () => {
    // Prepare
    const request = (paths['/v1/generations']!['post']!['requestBody'] as { content: Record<string, { schema: { properties: Record<string, Json> } }> }).content['application/json']!.schema.properties;
    // Assess
    expect(request['width']).toMatchObject({ minimum: LIMITS.minSide, maximum: LIMITS.maxSide, multipleOf: 8 });
    expect(request['metadata']).toMatchObject({ maxProperties: 16, propertyNames: { maxLength: 64 }, additionalProperties: { maxLength: LIMITS.metadataValueChars } });
    expect((request['search']!['properties'] as Record<string, Json>)['budget']).toMatchObject({ minimum: 1, maximum: LIMITS.budget });
    expect(request['prompt']).toMatchObject({ minLength: 1, maxLength: LIMITS.promptChars });
  });

  // The schema half of what the server checks, on both sides of every limit: the spec (Ajv) and the server's
  // zod schema must agree on each body. Checks across fields (n ≤ budget, known scorers) are in descriptions.
  const generationCases: readonly [string, unknown][] = [
    ['only a prompt', { prompt: 'a cat' }],
    ['a blank prompt', { prompt: '   ' }],
    ['an empty prompt', { prompt: '' }],
    ['a prompt of 2000 characters', { prompt: 'a'.repeat(2000) }],
    ['a prompt of 2001 characters', { prompt: 'a'.repeat(2001) }],
    ['width 64', { prompt: 'a cat', width: 64 }],
    ['width 63', { prompt: 'a cat', width: 63 }],
    ['width 100 (not a multiple of 8)', { prompt: 'a cat', width: 100 }],
    ['width 1024', { prompt: 'a cat', height: 1024 }],
    ['width 1032', { prompt: 'a cat', height: 1032 }],
    ['16 metadata keys', { prompt: 'a cat', metadata: Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`k${index}`, 'v'])) }],
    ['17 metadata keys', { prompt: 'a cat', metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) }],
    ['a metadata key of 64 characters', { prompt: 'a cat', metadata: { ['k'.repeat(64)]: 'v' } }],
    ['a metadata key of 65 characters', { prompt: 'a cat', metadata: { ['k'.repeat(65)]: 'v' } }],
    ['a metadata value of 257 characters', { prompt: 'a cat', metadata: { app_user: 'v'.repeat(257) } }],
    ['budget 256', { prompt: 'a cat', search: { budget: 256 } }],
    ['budget 257', { prompt: 'a cat', search: { budget: 257 } }],
    ['budget 0', { prompt: 'a cat', search: { budget: 0 } }],
    ['cosine 1', { prompt: 'a cat', search: { cosine: 1 } }],
    ['cosine 0.5', { prompt: 'a cat', search: { method: 'zero_order', cosine: 0.5 } }],
    ['a seed of 2^32', { prompt: 'a cat', seed: 2 ** 32 }],
    ['a seed of 2^32 - 1', { prompt: 'a cat', seed: 2 ** 32 - 1 }],
    ['9 rewards', { prompt: 'a cat', rewards: Array.from({ length: 9 }, () => ({ model: 'geneval' })) }],
    ['a reward weight of 101', { prompt: 'a cat', rewards: [{ model: 'geneval', weight: 101 }] }],
    ['an unknown field', { prompt: 'a cat', colour: 'red' }],
    ['an unknown search method', { prompt: 'a cat', search: { method: 'beam' } }],
    ['deadline 300000', { prompt: 'a cat', deadline_ms: 300_000 }],
    ['deadline 300001', { prompt: 'a cat', deadline_ms: 300_001 }],
    ['4 optimization noises', { prompt: 'a cat', prompt_optimization: { method: 'promptist', noises: 4 } }],
    ['11 optimization rounds', { prompt: 'a cat', prompt_optimization: { method: 'opt2i', rounds: 11 } }],
  ];
  it.each(generationCases)('agrees with the server on a generation request with %s', (_label, body) => {
    // Act
    const bySpec = requestValidator('/v1/generations')(body);
    const byServer = generationRequestSchema.safeParse(body).success;
    // Assess
    expect(bySpec).toBe(byServer);
  });

  const feedbackCases: readonly [string, unknown][] = [
    ['a select', { events: [{ type: 'select', generation_id: '01a233b7-bbf3-7334-aa69-9d80f0535482', candidate_id: 'c000' }] }],
    ['a bad candidate id', { events: [{ type: 'select', generation_id: '01a233b7-bbf3-7334-aa69-9d80f0535482', candidate_id: 'x1' }] }],
    ['a rating of 6', { events: [{ type: 'rate', generation_id: '01a233b7-bbf3-7334-aa69-9d80f0535482', candidate_id: 'c000', rating: 6 }] }],
    ['no events', { events: [] }],
    ['501 events', { events: Array.from({ length: 501 }, () => ({ type: 'regenerate', generation_id: '01a233b7-bbf3-7334-aa69-9d80f0535482' })) }],
    ['an occurred_at with an offset', { events: [{ type: 'regenerate', generation_id: '01a233b7-bbf3-7334-aa69-9d80f0535482', occurred_at: '2026-12-01T22:27:03+01:00' }] }],
  ];
  it.each(feedbackCases)('agrees with the server on a feedback batch with %s', (_label, body) => {
    // Act
    const bySpec = requestValidator('/v1/feedback')(body);
    const byServer = feedbackBatchSchema.safeParse(body).success;
    // Assess
    expect(bySpec).toBe(byServer);
  });
});

describe('PROBLEM_CODES', () => {
  it('holds every code an error class of the server passes to HttpError, and no other', () => {
    // Prepare: the type checker reads every class under src/ that extends HttpError (directly or not)
    const srcRoot = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = readdirSync(srcRoot, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => join(entry.parentPath, entry.name))
      // the files that can hold such a class: http-errors.ts and those importing from it (their imports follow)
      .filter((file) => /(http-errors|ports\/errors)\.ts$/.test(file) || /from '[./]*(api\/)?http-errors\.js'/.test(readFileSync(file, 'utf8')));
    // noResolve: only these files are read (their other imports stay unresolved), which keeps the check to seconds
    const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, noResolve: true, types: [] });
    const checker = program.getTypeChecker();
    const extendsHttpError = (type: ts.Type): boolean => checker.getBaseTypes(type as ts.InterfaceType).some((base) => base.symbol?.name === 'HttpError' || extendsHttpError(base));
    const used = new Set<string>();
    const notLiteral: string[] = [];
    // Act
    for (const file of program.getSourceFiles().filter((source) => source.fileName.startsWith(srcRoot))) {
      const visit = (node: ts.Node): void => {
        if (ts.isClassDeclaration(node) && node.name && extendsHttpError(checker.getTypeAtLocation(node))) {
          const superCall = (child: ts.Node): void => {
            if (ts.isCallExpression(child) && child.expression.kind === ts.SyntaxKind.SuperKeyword && child.arguments[0]) {
              const type = checker.getTypeAtLocation(child.arguments[0]);
              const members = type.isUnion() ? type.types : [type];
              for (const member of members) {
                if (member.isStringLiteral()) used.add(member.value);
                else notLiteral.push(`${node.name!.text} in ${file.fileName}: ${checker.typeToString(type)}`);
              }
            }
            ts.forEachChild(child, superCall);
          };
          ts.forEachChild(node, superCall);
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    // Assess
    expect(notLiteral).toEqual([]);
    expect([...used].filter((code) => !(PROBLEM_CODES as readonly string[]).includes(code))).toEqual([]);
    expect(PROBLEM_CODES.filter((code) => !used.has(code))).toEqual([]);
  });
});
