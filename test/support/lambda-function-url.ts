/**
 * A test harness of what sits around a Lambda handler behind a function URL in RESPONSE_STREAM mode, so
 * the handler runs as on Lambda (not through a mock of Hono's adapter):
 *
 * - The `awslambda` global the Node.js runtime defines: `streamifyResponse(handler)` marks the handler as
 *   streaming and `HttpResponseStream.from(stream, prelude)`, as the runtime interface client implements
 *   it (aws-lambda-nodejs-runtime-interface-client, src/HttpResponseStream.js): it sets the content type
 *   `application/vnd.awslambda.http-integration-response` and, before the first write, writes the JSON
 *   prelude (`statusCode`, `headers`, `cookies`) and 8 NUL bytes.
 * - The response stream the runtime hands the handler: a Node Writable (the runtime's is an HTTP request to
 *   the Runtime API with chunked encoding) whose `write` runs `_onBeforeFirstWrite` once.
 * - The function URL in front: it reads the stream as it arrives, takes status and headers from the
 *   prelude, and passes the rest on as the body, chunk by chunk (so SSE arrives while the handler runs);
 *   a handler that fails before writing is a 502, as the URL answers.
 * - Function URL events in payload format 2.0 and a Lambda context whose `getRemainingTimeInMillis()`
 *   counts down from the function's timeout.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const METADATA_PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LEN = 8;
const TEXT_TYPES = /^(text\/|application\/(json|problem\+json|x-www-form-urlencoded|xml))/i;

/** The Lambda context, as the Node.js runtime passes it. */
export interface TestLambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** A context for one invocation of a function with this timeout (its clock starts now). */
export function lambdaContext(options: { functionName?: string; timeoutMs?: number } = {}): TestLambdaContext {
  const functionName = options.functionName ?? 'diffalign-api';
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/12/01/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** The response stream the runtime gives a streaming handler (RIC's ResponseStream, writing to the function URL's side). */
class ResponseStream extends Writable {
  contentType = 'application/octet-stream';
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;
  private wroteFirst = false;

  constructor(private readonly sink: (chunk: Uint8Array) => void) {
    super();
  }

  setContentType(contentType: string): void {
    this.contentType = contentType;
  }

  override write(chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
    if (!this.wroteFirst) {
      this.wroteFirst = true;
      this._onBeforeFirstWrite?.((first) => this.sink(typeof first === 'string' ? new TextEncoder().encode(first) : first));
    }
    return super.write(chunk as never, encodingOrCallback as never, callback as never);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.sink(new Uint8Array(chunk));
    done();
  }
}

/** Defines the `awslambda` global of Lambda's Node.js runtime (call before importing a streaming handler). */
export function installLambdaStreamingGlobals(): void {
  (globalThis as { awslambda?: unknown }).awslambda = {
    streamifyResponse: <T extends object>(handler: T): T => Object.assign(handler, { [STREAMING]: 'response' }),
    HttpResponseStream: {
      from(underlying: ResponseStream, prelude: Record<string, unknown>): ResponseStream {
        underlying.setContentType(METADATA_PRELUDE_CONTENT_TYPE);
        // JSON.stringify is required: a NUL byte is not allowed in the prelude
        const metadataPrelude = JSON.stringify(prelude);
        underlying._onBeforeFirstWrite = (write) => {
          write(metadataPrelude);
          write(new Uint8Array(DELIMITER_LEN));
        };
        return underlying;
      },
    },
  };
}

/** A streaming handler as `awslambda.streamifyResponse` returns it. */
export type StreamingHandler = (event: unknown, responseStream: unknown, context: TestLambdaContext) => Promise<unknown>;

/** One request as a function URL event (payload format 2.0). */
export function functionUrlEvent(url: URL, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {}): Record<string, unknown> {
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  const contentType = headers['content-type'] ?? '';
  const body = init.body;
  const text = typeof body === 'string' && (contentType === '' || TEXT_TYPES.test(contentType));
  const method = (init.method ?? 'GET').toUpperCase();
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: url.hostname.split('.')[0],
      domainName: url.hostname,
      domainPrefix: url.hostname.split('.')[0],
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? 'vitest' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body: text ? body : Buffer.from(body).toString('base64'), isBase64Encoded: !text }),
    ...(body === undefined ? { isBase64Encoded: false } : {}),
  };
}

/** The metadata prelude of an http-integration response. */
interface Prelude {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
}

/** What the function URL saw of one streamed invocation besides the Response. */
export interface StreamedInvocation {
  readonly response: Response;
  /** When each body chunk arrived (ms since the invocation started), and when the handler returned. */
  readonly chunkTimes: number[];
  readonly handlerDone: Promise<number>;
}

/**
 * Invokes a streaming handler with a function URL event for `url` and answers as the function URL does:
 * the Response is there once the prelude arrived (its body streams on), or once the handler ended.
 */
export async function invokeFunctionUrl(
  handler: StreamingHandler,
  url: URL,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; timeoutMs?: number } = {},
): Promise<StreamedInvocation> {
  if ((handler as unknown as Record<symbol, unknown>)[STREAMING] !== 'response') throw new Error('the handler is not wrapped by awslambda.streamifyResponse');
  const started = performance.now();
  const chunkTimes: number[] = [];
  let body!: ReadableStreamDefaultController<Uint8Array>;
  const bodyStream = new ReadableStream<Uint8Array>({ start: (controller) => void (body = controller) });
  let head: Uint8Array = new Uint8Array(0);
  // the metadata prelude, once its 8 NUL bytes arrived
  const seen: { prelude: Prelude | null } = { prelude: null };
  let resolveResponse!: (response: Response) => void;
  const answered = new Promise<Response>((resolve) => (resolveResponse = resolve));
  let stream!: ResponseStream;
  const sink = (chunk: Uint8Array): void => {
    if (stream.contentType !== METADATA_PRELUDE_CONTENT_TYPE || seen.prelude) {
      if (chunk.byteLength > 0) {
        chunkTimes.push(performance.now() - started);
        body.enqueue(chunk);
      }
      return;
    }
    head = concat(head, chunk);
    const delimiter = indexOfDelimiter(head);
    if (delimiter < 0) return;
    const prelude = JSON.parse(new TextDecoder().decode(head.subarray(0, delimiter))) as Prelude;
    seen.prelude = prelude;
    const headers = new Headers(prelude.headers ?? {});
    for (const cookie of prelude.cookies ?? []) headers.append('set-cookie', cookie);
    resolveResponse(new Response(bodyStream, { status: prelude.statusCode ?? 200, headers }));
    const rest = head.subarray(delimiter + DELIMITER_LEN);
    if (rest.byteLength > 0) {
      chunkTimes.push(performance.now() - started);
      body.enqueue(rest);
    }
  };
  stream = new ResponseStream(sink);
  const ended = new Promise<void>((resolve) => stream.once('finish', () => resolve()));
  const handlerDone = (async () => {
    try {
      await handler(functionUrlEvent(url, init), stream, lambdaContext({ timeoutMs: init.timeoutMs ?? 60_000 }));
      await ended;
      body.close();
      if (!seen.prelude) resolveResponse(new Response(bodyStream, { status: 200, headers: { 'content-type': stream.contentType } }));
    } catch (error) {
      body.error(error);
      resolveResponse(new Response(JSON.stringify({ message: 'Internal Server Error' }), { status: 502, headers: { 'content-type': 'application/json' } }));
    }
    return performance.now() - started;
  })();
  return { response: await answered, chunkTimes, handlerDone };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a, 0);
  joined.set(b, a.byteLength);
  return joined;
}

function indexOfDelimiter(bytes: Uint8Array): number {
  let run = 0;
  for (let index = 0; index < bytes.byteLength; index += 1) {
    run = bytes[index] === 0 ? run + 1 : 0;
    if (run === DELIMITER_LEN) return index - DELIMITER_LEN + 1;
  }
  return -1;
}
