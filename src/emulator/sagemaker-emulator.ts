import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAGEMAKER_MAX_PAYLOAD_BYTES } from '../adapters/sagemaker/payload-split.js';
import { ContainerError, invokeModel, type EmulatorWorld, type EndpointKind } from './emulator-models.js';
import { FaultInjector, faultPlanSchema, type FaultKind, type FaultPlan, type FaultRule } from './fault-plan.js';
import * as runtime from './runtime-errors.js';

/** Endpoint names as the SageMaker config defaults them, and what each serves. */
export const DEFAULT_EMULATOR_ENDPOINTS: Readonly<Record<string, EndpointKind>> = {
  'diffalign-generator': 'generator',
  'diffalign-scorer': 'scorer',
  'diffalign-promptist': 'text-generation',
  'diffalign-llm': 'chat',
};

/** Header with the emulator's own service time of a call (model work only), in milliseconds. */
export const SERVICE_TIME_HEADER = 'x-diffalign-service-ms';

/** Options of the emulator. */
export interface SageMakerEmulatorOptions {
  readonly world: EmulatorWorld;
  readonly host?: string;
  /** Default 8790; 0 picks a free port. */
  readonly port?: number;
  readonly endpoints?: Readonly<Record<string, EndpointKind>>;
  readonly faults?: FaultPlan;
  /** Request bodies above this are refused with 413 (default 6 MB, the runtime's limit). */
  readonly maxPayloadBytes?: number;
  /** Called when the emulator closes (e.g. to stop the world's worker threads). */
  readonly onClose?: () => Promise<void>;
}

/** One invocation as the emulator saw it. */
export interface EmulatorCall {
  readonly endpoint: string;
  readonly attempt: number;
  readonly inferenceId: string | undefined;
  /** HTTP status answered (0: never answered — hung, or the client went away). */
  readonly status: number;
  readonly fault: FaultKind | undefined;
  /** Model work in ms (0 when no model ran). */
  readonly serviceMs: number;
  /** Bytes of the request body, and of the answer's body (0 when none was sent). */
  readonly requestBytes: number;
  readonly responseBytes: number;
}

/** A running emulator. */
export interface SageMakerEmulator {
  /** `http://host:port`, the SDK's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** Replaces the fault plan (also `PUT /_faults`). */
  setFaults(plan: FaultPlan): void;
  readonly faults: FaultPlan;
  /** Every invocation so far, in arrival order (also `GET /_stats`). */
  calls(): readonly EmulatorCall[];
  resetCalls(): void;
  close(): Promise<void>;
}

/**
 * A SageMaker runtime emulator: `POST /endpoints/{name}/invocations` as the SDK calls it (SigV4-signed,
 * `X-Amzn-SageMaker-Inference-Id`, `amz-sdk-request: attempt=N`), answering errors as the runtime does
 * (`x-amzn-ErrorType` + JSON `{message}`; ModelError as 424 with OriginalStatusCode, OriginalMessage,
 * LogStreamArn), serving a world's generator (generator-v1), scorers (scorer-v1, by `model`), Promptist
 * (text-generation) and chat model (OpenAI chat) under configured endpoint names, with seeded faults.
 * Admin: `GET|PUT|DELETE /_faults`, `GET|DELETE /_stats`, `GET /_health`.
 */
export async function startSageMakerEmulator(options: SageMakerEmulatorOptions): Promise<SageMakerEmulator> {
  const endpoints = options.endpoints ?? DEFAULT_EMULATOR_ENDPOINTS;
  const maxPayloadBytes = options.maxPayloadBytes ?? SAGEMAKER_MAX_PAYLOAD_BYTES;
  const faults = new FaultInjector(options.faults);
  let log: EmulatorCall[] = [];
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { message: error instanceof Error ? error.message : String(error) });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://emulator').pathname;
    if (path.startsWith('/_')) return admin(request, response, path);
    const match = /^\/endpoints\/([^/]+)\/invocations$/.exec(path);
    if (request.method !== 'POST' || !match) return sendError(response, runtime.unknownOperation());
    const endpoint = decodeURIComponent(match[1] ?? '');
    const body = await readBody(request, maxPayloadBytes);
    if (body === undefined) return sendError(response, runtime.payloadTooLarge(maxPayloadBytes));
    if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return sendError(response, runtime.missingAuthentication());
    const kind = endpoints[endpoint];
    if (kind === undefined) return sendError(response, runtime.endpointNotFound(endpoint));
    const attempt = Number(/attempt=(\d+)/.exec(String(request.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
    const inferenceId = headerOf(request, 'x-amzn-sagemaker-inference-id');
    const record = (status: number, fault: FaultKind | undefined, serviceMs = 0, responseBytes = 0): void => {
      log.push({ endpoint, attempt, inferenceId, status, fault, serviceMs, requestBytes: body.byteLength, responseBytes });
    };
    const gone = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) gone.abort(new Error('client went away'));
    });
    const decision = faults.decide({ endpoint, attempt, body });
    if (decision.latencyMs > 0 && !(await sleep(decision.latencyMs, gone.signal))) return record(0, 'latency');
    const fault = decision.fault;
    if (fault?.fault === 'hang') return record(0, 'hang');
    if (fault !== undefined && fault.fault !== 'malformed') {
      const answer = faultAnswer(fault, endpoint);
      record(answer.status, fault.fault);
      return sendError(response, answer);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      record(424, undefined);
      return sendError(response, runtime.modelError(endpoint, 400, new ContainerError(400, 'body is not JSON').message));
    }
    const started = performance.now();
    try {
      const answer = await invokeModel(kind, options.world, parsed, gone.signal);
      const serviceMs = performance.now() - started;
      if (gone.signal.aborted) return record(0, undefined, serviceMs);
      const headers = { 'x-Amzn-Invoked-Production-Variant': 'AllTraffic', [SERVICE_TIME_HEADER]: serviceMs.toFixed(3) };
      if (fault?.fault !== 'malformed') {
        const text = JSON.stringify(answer.json);
        const bytes = Buffer.byteLength(text);
        if (bytes > maxPayloadBytes) {
          // the runtime does not pass on an answer over its synchronous limit: the caller gets a ModelError
          record(424, undefined, serviceMs);
          return sendError(response, runtime.modelError(endpoint, 500, `the response of ${bytes} bytes exceeds the ${maxPayloadBytes}-byte limit of synchronous invocations`));
        }
        record(200, fault?.fault, serviceMs, bytes);
        return sendRaw(response, 200, text, headers);
      }
      record(200, fault.fault, serviceMs);
      const variant = fault.variant ?? 'not_json';
      if (variant === 'not_json') return sendRaw(response, 200, '{"images": [{"b64": "iVBORw0KGgo', headers);
      return sendJson(response, 200, variant === 'wrong_shape' ? { unexpected: true, results: 'none' } : answer.withOneResultTooFew(), headers);
    } catch (error) {
      const serviceMs = performance.now() - started;
      if (gone.signal.aborted) return record(0, undefined, serviceMs);
      const failure = error instanceof ContainerError ? error : new ContainerError(500, error instanceof Error ? error.message : String(error));
      record(424, undefined, serviceMs);
      return sendError(response, runtime.modelError(endpoint, failure.status, failure.message));
    }
  }

  async function admin(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (path === '/_health') return sendJson(response, 200, { ok: true, endpoints });
    if (path === '/_faults') {
      if (request.method === 'GET') return sendJson(response, 200, faults.current);
      if (request.method === 'DELETE') {
        faults.set({ rules: [] });
        return sendJson(response, 200, faults.current);
      }
      if (request.method === 'PUT' || request.method === 'POST') {
        const body = await readBody(request, 1024 * 1024);
        let plan: unknown;
        try {
          plan = JSON.parse(body?.toString('utf8') ?? '');
        } catch {
          return sendJson(response, 400, { message: 'the fault plan is not JSON' });
        }
        const parsed = faultPlanSchema.safeParse(plan);
        if (!parsed.success) return sendJson(response, 400, { message: 'invalid fault plan', issues: parsed.error.issues });
        faults.set(parsed.data);
        return sendJson(response, 200, faults.current);
      }
    }
    if (path === '/_stats') {
      if (request.method === 'DELETE') log = [];
      return sendJson(response, 200, { calls: log.length, byEndpoint: summarize(log) });
    }
    return sendJson(response, 404, { message: `no admin route ${request.method} ${path}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8790, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    setFaults: (plan) => faults.set(plan),
    get faults() {
      return faults.current;
    },
    calls: () => log,
    resetCalls: () => {
      log = [];
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await options.onClose?.();
    },
  };
}

function faultAnswer(fault: FaultRule, endpoint: string): runtime.RuntimeErrorAnswer {
  switch (fault.fault) {
    case 'throttle':
      return runtime.throttling();
    case 'service_unavailable':
      return runtime.serviceUnavailable();
    case 'internal_failure':
      return runtime.internalFailure();
    case 'model_not_ready':
      return runtime.modelNotReady(endpoint);
    default: {
      const status = fault.originalStatus ?? 500;
      return runtime.modelError(endpoint, status, fault.message ?? (status < 500 ? 'the model rejected the request (injected)' : 'the model failed (injected)'));
    }
  }
}

/** Calls per endpoint: how many, answered how, and the mean service time of the answered ones. */
function summarize(log: readonly EmulatorCall[]): Record<string, { calls: number; statuses: Record<string, number>; faults: Record<string, number>; meanServiceMs: number }> {
  const summary: Record<string, { calls: number; statuses: Record<string, number>; faults: Record<string, number>; meanServiceMs: number; served: number }> = {};
  for (const call of log) {
    const entry = (summary[call.endpoint] ??= { calls: 0, statuses: {}, faults: {}, meanServiceMs: 0, served: 0 });
    entry.calls += 1;
    entry.statuses[call.status] = (entry.statuses[call.status] ?? 0) + 1;
    if (call.fault) entry.faults[call.fault] = (entry.faults[call.fault] ?? 0) + 1;
    if (call.serviceMs > 0) {
      entry.served += 1;
      entry.meanServiceMs += (call.serviceMs - entry.meanServiceMs) / entry.served;
    }
  }
  return Object.fromEntries(Object.entries(summary).map(([name, { served: _served, ...entry }]) => [name, entry]));
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, or undefined once it passes `limit` bytes (the rest is drained). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = declared > limit;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) over = true;
    if (!over) chunks.push(chunk as Buffer);
  }
  return over ? undefined : Buffer.concat(chunks);
}

function sendError(response: ServerResponse, answer: runtime.RuntimeErrorAnswer): void {
  sendJson(response, answer.status, answer.body, answer.errorType === undefined ? {} : { 'x-amzn-ErrorType': answer.errorType });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRaw(response, status, JSON.stringify(body), headers);
}

function sendRaw(response: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-RequestId': randomUUID(), ...headers, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Waits, or resolves false as soon as the signal fires. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
