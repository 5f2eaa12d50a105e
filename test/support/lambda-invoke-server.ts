/**
 * A local Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`) for the real
 * @aws-sdk/client-lambda to call: `InvocationType: Event` answers 202 at once and runs the registered
 * handler afterwards (Lambda's asynchronous invocation: queued, run later, the result discarded),
 * `RequestResponse` runs it and answers its JSON. An unknown function is 404 ResourceNotFoundException,
 * as Lambda answers. It does not check signatures, and it neither retries failed events nor sends them
 * to a destination (the tests drive those paths through the worker directly).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaContext, type TestLambdaContext } from './lambda-function-url.js';

/** A function the server runs: a Lambda handler for JSON events. */
export type InvokedHandler = (event: unknown, context: TestLambdaContext) => Promise<unknown>;

/** One invocation the server received. */
export interface Invocation {
  readonly functionName: string;
  readonly invocationType: string;
  readonly payload: unknown;
  /** Settles with the handler's result (rejects with its error). */
  readonly done: Promise<unknown>;
}

/** A running Invoke API. */
export interface LambdaInvokeServer {
  /** `http://127.0.0.1:port`, the SDK's `endpoint`. */
  readonly url: string;
  /** Every invocation so far, in arrival order. */
  readonly invocations: Invocation[];
  close(): Promise<void>;
}

/** Starts the Invoke API on a free port, serving `functions` (name → handler, each with `timeoutMs`). */
export async function startLambdaInvokeServer(functions: Readonly<Record<string, { handler: InvokedHandler; timeoutMs?: number }>>): Promise<LambdaInvokeServer> {
  const invocations: Invocation[] = [];
  const server: Server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => answer(response, 500, { message: String(error) }, 'ServiceException'));
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (request.method !== 'POST' || !match) return answer(response, 404, { message: `no route ${request.method} ${request.url}` }, 'UnknownOperationException');
    const functionName = decodeURIComponent(match[1]!);
    const target = functions[functionName];
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!target) return answer(response, 404, { Type: 'User', message: `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${functionName}` }, 'ResourceNotFoundException');
    const text = Buffer.concat(chunks).toString('utf8');
    const payload: unknown = text === '' ? {} : JSON.parse(text);
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const run = (): Promise<unknown> => target.handler(payload, lambdaContext({ functionName, timeoutMs: target.timeoutMs ?? 60_000 }));
    if (invocationType === 'Event') {
      // queued: the caller gets 202 before the function runs
      response.writeHead(202, { 'x-amzn-requestid': crypto.randomUUID() }).end();
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(run);
      done.catch(() => undefined);
      invocations.push({ functionName, invocationType, payload, done });
      return;
    }
    const done = run();
    done.catch(() => undefined);
    invocations.push({ functionName, invocationType, payload, done });
    try {
      const result = await done;
      response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' }).end(JSON.stringify(result ?? null));
    } catch (error) {
      response
        .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
        .end(JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }));
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function answer(response: ServerResponse, status: number, body: Record<string, unknown>, errorType: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': errorType }).end(JSON.stringify(body));
}
