import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { parseSse } from './sse.js';

/** Where the spec the responses are checked against lives: the committed `openapi.yaml`, never the zod schemas. */
export const OPENAPI_PATH = new URL('../../openapi.yaml', import.meta.url);
/** Environment variable naming the directory the coverage of a test run is written to (set by the global setup). */
export const COVERAGE_DIR_ENV = 'DIFFALIGN_OPENAPI_COVERAGE_DIR';

// ajv-formats is CommonJS with a default export
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, unknown>;

/** One response, as the validator checks it. */
export interface SpecResponse {
  readonly method: string;
  /** The spec's path template (`/v1/generations/{id}`). */
  readonly path: string;
  readonly status: number;
  /** The `Content-Type` without parameters; null when the response has no body. */
  readonly contentType: string | null;
  /** Response headers (names in any case). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body: a JSON value, the parsed events of a stream, or undefined when not checked (bytes, HEAD). */
  readonly body?: unknown;
  /** For `text/event-stream`: each event as `{ event, id, data }`. */
  readonly events?: readonly unknown[];
}

/** A response that does not match the spec. */
export class SpecMismatchError extends Error {
  override readonly name = 'SpecMismatchError';
}

/** An operation of the spec that a request path matched. */
export interface MatchedOperation {
  readonly path: string;
  readonly method: string;
  readonly operationId: string;
}

/**
 * Checks real responses against `openapi.yaml` with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1)
 * and ajv-formats: the status must be one the operation lists explicitly (`default` covers what the Node
 * server answers before routing, which no API test produces), the content type one it lists for that
 * status, every required header present and every documented header valid, and the body (each event of a
 * stream) valid against the response schema.
 */
export class OpenApiResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: readonly { readonly path: string; readonly pattern: RegExp }[];

  constructor(readonly document: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(document, 'openapi.yaml');
    this.templates = Object.keys(this.paths()).map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
  }

  /** The validator of the committed `openapi.yaml`. */
  static fromFile(path: URL = OPENAPI_PATH): OpenApiResponseValidator {
    return new OpenApiResponseValidator(parse(readFileSync(path, 'utf8')) as Json);
  }

  /** Every operation of the spec, as `METHOD path` with its operationId. */
  operations(): MatchedOperation[] {
    return Object.entries(this.paths()).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, operation]) => ({ path, method: method.toUpperCase(), operationId: String((operation as Json)['operationId']) })),
    );
  }

  /** The operation a request goes to (HEAD goes to GET), or undefined when the spec has none. */
  match(method: string, requestPath: string): MatchedOperation | undefined {
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    const template = this.templates.find((candidate) => candidate.pattern.test(requestPath));
    return template ? this.operations().find((operation) => operation.path === template.path && operation.method === wanted) : undefined;
  }

  /** Throws SpecMismatchError when the response is not what the spec says the operation answers. */
  validate(response: SpecResponse): void {
    const where = `${response.method.toUpperCase()} ${response.path} → ${response.status}`;
    const operation = this.paths()[response.path]?.[response.method.toLowerCase()] as Json | undefined;
    if (!operation) throw new SpecMismatchError(`${where}: no such operation in openapi.yaml`);
    const responses = operation['responses'] as Json;
    const key = String(response.status);
    const range = `${key[0]}XX`;
    const declared = responses[key] ?? responses[range];
    if (!declared) throw new SpecMismatchError(`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`);
    const pointer = `#/paths/${escapePointer(response.path)}/${response.method.toLowerCase()}/responses/${key in responses ? key : range}`;
    const [resolved, resolvedPointer] = this.resolve(declared as Json, pointer);
    this.checkHeaders(where, resolved, resolvedPointer, response.headers);
    const content = resolved['content'] as Json | undefined;
    if (response.contentType === null) {
      if (content && Object.keys(content).length > 0 && response.body !== undefined) throw new SpecMismatchError(`${where}: a body was documented (${Object.keys(content).join(', ')}) but none was sent`);
      return;
    }
    if (!content || !(response.contentType in content)) {
      throw new SpecMismatchError(`${where}: content type ${response.contentType} not documented (documented: ${Object.keys(content ?? {}).join(', ') || 'none'})`);
    }
    const schemaPointer = `${resolvedPointer}/content/${escapePointer(response.contentType)}/schema`;
    if (response.events) {
      response.events.forEach((event, index) => this.check(`${where} event ${index}`, schemaPointer, event));
    } else if (response.body !== undefined) {
      this.check(where, schemaPointer, response.body);
    }
  }

  /** Validates a value against the schema at a pointer of the document. */
  check(where: string, schemaPointer: string, value: unknown): void {
    let validate = this.compiled.get(schemaPointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.yaml${schemaPointer}` });
      this.compiled.set(schemaPointer, validate);
    }
    if (!validate(value)) throw new SpecMismatchError(`${where}: body does not match ${schemaPointer}:\n${describeErrors(validate.errors ?? [])}\n${JSON.stringify(value).slice(0, 600)}`);
  }

  private checkHeaders(where: string, response: Json, pointer: string, sent: Readonly<Record<string, string>>): void {
    const lower = Object.fromEntries(Object.entries(sent).map(([name, value]) => [name.toLowerCase(), value]));
    for (const [name, declared] of Object.entries((response['headers'] ?? {}) as Json)) {
      const [header, headerPointer] = this.resolve(declared as Json, `${pointer}/headers/${escapePointer(name)}`);
      const value = lower[name.toLowerCase()];
      if (value === undefined) {
        if (header['required'] === true) throw new SpecMismatchError(`${where}: required header ${name} missing`);
        continue;
      }
      const schema = header['schema'] as Json | undefined;
      const typed = schema?.['type'] === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      this.check(`${where} header ${name}`, `${headerPointer}/schema`, typed);
    }
  }

  /** Follows a `$ref` to a component (responses, headers) once; returns the object and its pointer. */
  private resolve(node: Json, pointer: string): [Json, string] {
    const ref = node['$ref'];
    if (typeof ref !== 'string') return [node, pointer];
    const target = ref.slice(2).split('/').reduce<unknown>((current, part) => (current as Json)[unescapePointer(part)], this.document) as Json;
    return [target, ref];
  }

  private paths(): Record<string, Json> {
    return this.document['paths'] as Record<string, Json>;
  }
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

function escapePointer(part: string): string {
  return part.replaceAll('~', '~0').replaceAll('/', '~1');
}

function unescapePointer(part: string): string {
  return part.replaceAll('~1', '/').replaceAll('~0', '~');
}

function describeErrors(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 12)
    .map((error) => `  ${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
    .join('\n');
}

let shared: OpenApiResponseValidator | undefined;

/** The validator of `openapi.yaml`, loaded once per test file. */
export function specValidator(): OpenApiResponseValidator {
  shared ??= OpenApiResponseValidator.fromFile();
  return shared;
}

/** Notes one validated (or refused) response for the run's coverage check. */
async function recordCoverage(entry: Readonly<Record<string, unknown>>): Promise<void> {
  const directory = process.env[COVERAGE_DIR_ENV];
  if (!directory) return;
  // imported here, not at the top: the global setup imports this module outside any test worker
  const { expect } = await import('vitest');
  const testPath = expect.getState().testPath ?? 'unknown';
  appendFileSync(join(directory, `${process.pid}.ndjson`), `${JSON.stringify({ ...entry, test_file: testPath })}\n`);
}

/**
 * Checks a real response against the spec and returns it unread (a stream is returned as a pass-through
 * that checks every event as the test reads it, so a client that stops reading still disconnects).
 * A request to no operation of the spec (a route a test added, a wrong method, an unknown path) has only
 * its problem body checked, against the `Problem` schema.
 */
export async function checkedResponse(method: string, url: string, response: Response): Promise<Response> {
  const validator = specValidator();
  const requestPath = new URL(url, 'http://localhost').pathname;
  const operation = validator.match(method, requestPath);
  const contentType = response.headers.get('content-type')?.split(';')[0]!.trim().toLowerCase() ?? null;
  const headers = Object.fromEntries(response.headers.entries());
  if (!operation) {
    const text = contentType === 'application/problem+json' ? await response.clone().text() : '';
    if (text !== '') validator.check(`${method} ${requestPath} → ${response.status}`, '#/components/schemas/Problem', JSON.parse(text));
    await recordCoverage({ operation: null, method, path: requestPath, status: response.status });
    return response;
  }
  const base = { method: operation.method, path: operation.path, status: response.status, headers };
  await recordCoverage({ operation: operation.operationId, status: response.status, content_type: contentType });
  if (method.toUpperCase() === 'HEAD' || response.body === null) {
    validator.validate({ ...base, contentType: response.body === null ? null : contentType });
    return response;
  }
  if (contentType === 'text/event-stream') {
    validator.validate({ ...base, contentType, events: [] });
    return new Response(response.body.pipeThrough(eventChecker(validator, base)), { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  if (contentType !== null && /json$/.test(contentType)) {
    const text = await response.clone().text();
    validator.validate({ ...base, contentType, body: text === '' ? undefined : JSON.parse(text) });
    return response;
  }
  validator.validate({ ...base, contentType });
  return response;
}

/** A pass-through of an event stream that checks each complete event against the spec as it passes. */
function eventChecker(validator: OpenApiResponseValidator, base: Omit<SpecResponse, 'contentType'>): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  let index = 0;
  const checkComplete = (final: boolean): void => {
    const end = final ? pending.length : pending.lastIndexOf('\n\n') + 2;
    if (end <= 0 && !final) return;
    const complete = pending.slice(0, end);
    pending = pending.slice(end);
    for (const event of parseSse(complete)) {
      validator.validate({ ...base, contentType: 'text/event-stream', events: [{ event: event.event, id: event.id, data: event.data }] });
      index += 1;
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      pending += decoder.decode(chunk, { stream: true });
      checkComplete(false);
    },
    flush() {
      checkComplete(true);
      if (index === 0) throw new SpecMismatchError(`${base.method} ${base.path} → ${base.status}: an event stream with no event`);
    },
  });
}

/** `app.request` of a Hono app, every answer checked against the spec (see checkedResponse). */
export function withSpecValidation<TApp extends { request: (input: string | Request | URL, init?: RequestInit) => Response | Promise<Response> }>(app: TApp): TApp {
  const request = app.request.bind(app);
  app.request = (async (input: string | Request | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    return checkedResponse(method, url, await request(input, init));
  }) as TApp['request'];
  return app;
}

/** `fetch`, every answer checked against the spec (see checkedResponse). */
export async function specFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  return checkedResponse(init?.method ?? 'GET', String(input), await fetch(input, init));
}
