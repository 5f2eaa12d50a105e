import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { createLambdaDependencies } from '../../src/runtime/lambda-dependencies.js';
import { createLambdaHandlers } from '../../src/runtime/lambda-handlers.js';
import { installLambdaStreamingGlobals, invokeFunctionUrl, type StreamedInvocation, type StreamingHandler } from '../support/lambda-function-url.js';
import { type LambdaInvokeServer, startLambdaInvokeServer } from '../support/lambda-invoke-server.js';
import { checkedResponse } from '../support/openapi-response-validator.js';
import { reproducible } from '../support/reproducible-record.js';
import { finalRecord, jsonPost as json, PARITY_GENERATION as GENERATION, type ParityWorld, startParityWorld } from '../support/runtime-parity.js';
import { parseSse } from '../support/sse.js';

/** The function URL the events name (Hono builds the request URL from it; nothing is reached there). */
const FUNCTION_URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws';
const WORKER_FUNCTION = 'diffalign-worker';

describe('the Lambda handler behind a function URL (streaming harness), on s3rver and the SageMaker emulator, answers as the Node server', () => {
  let world: ParityWorld;
  let invoke: LambdaInvokeServer;
  let handler: StreamingHandler;
  let worker: (event: unknown, context: unknown) => Promise<unknown>;
  const savedEnv = { ...process.env };
  let env: Record<string, string>;

  /** The same request to the Node server (over HTTP) and to the Lambda handler (a function URL event). */
  async function both(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ node: Response; lambda: Response; streamed: StreamedInvocation }> {
    const node = await fetch(`${world.nodeUrl}${path}`, init);
    const streamed = await invokeFunctionUrl(handler, new URL(path, FUNCTION_URL), init);
    return { node, lambda: await checkedResponse(init.method ?? 'GET', path, streamed.response), streamed };
  }

  beforeAll(async () => {
    installLambdaStreamingGlobals();
    // s3rver's one account; the emulator and the Invoke API take any credentials
    world = await startParityWorld({ bucket: 'diffalign-lambda', env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' } });
    env = { ...world.env };
    invoke = await startLambdaInvokeServer({ [WORKER_FUNCTION]: { handler: (event, context) => worker(event, context), timeoutMs: 120_000 } });
    // the Lambda entry itself, wired from its environment as the CDK stack sets it; the SDK's Lambda client
    // finds the local Invoke API through AWS_ENDPOINT_URL_LAMBDA, as any SDK client would
    Object.assign(process.env, env, { DIFFALIGN_S3_PREFIX: 'lambda/', DIFFALIGN_JOB_FUNCTION: WORKER_FUNCTION, AWS_ENDPOINT_URL_LAMBDA: invoke.url });
    const entry = await import('../../src/runtime/lambda.js');
    handler = entry.handler as unknown as StreamingHandler;
    worker = entry.worker as (event: unknown, context: unknown) => Promise<unknown>;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await Promise.allSettled(invoke?.invocations.map((invocation) => invocation.done) ?? []);
    await invoke?.close();
    await world?.close();
  });

  it('answers a synchronous generation, its record and its image as the Node server does', async () => {
    // Act
    const created = await both('/v1/generations', json(GENERATION));
    const nodeRecord = (await created.node.json()) as GenerationRecord;
    const lambdaRecord = (await created.lambda.json()) as GenerationRecord;
    const read = await both(`/v1/generations/${lambdaRecord.id}`);
    const nodeRead = await fetch(`${world.nodeUrl}/v1/generations/${nodeRecord.id}`);
    const lambdaImage = (await both(lambdaRecord.best!.url!)).lambda;
    const nodeImage = await fetch(`${world.nodeUrl}${nodeRecord.best!.url!}`);
    // Assess
    expect([created.node.status, created.lambda.status]).toEqual([200, 200]);
    expect(created.lambda.headers.get('content-type')).toBe(created.node.headers.get('content-type'));
    expect(created.lambda.headers.get('location')).toBe(`/v1/generations/${lambdaRecord.id}`);
    expect(created.node.headers.get('location')).toBe(`/v1/generations/${nodeRecord.id}`);
    expect(lambdaRecord.status).toBe('succeeded');
    expect(lambdaRecord.id).not.toBe(nodeRecord.id);
    expect(reproducible(lambdaRecord)).toEqual(reproducible(nodeRecord));
    expect(read.lambda.status).toBe(200);
    expect(await read.lambda.json()).toEqual(lambdaRecord);
    expect(await nodeRead.json()).toEqual(nodeRecord);
    expect([lambdaImage.status, nodeImage.status]).toEqual([200, 200]);
    for (const header of ['content-type', 'etag', 'cache-control', 'content-length']) expect(lambdaImage.headers.get(header)).toBe(nodeImage.headers.get(header));
    expect(new Uint8Array(await lambdaImage.arrayBuffer())).toEqual(new Uint8Array(await nodeImage.arrayBuffer()));
  });

  it('streams a generation as server-sent events through the function URL while it runs, with the Node server\'s events and done record', async () => {
    // Act
    const { node, lambda, streamed } = await both('/v1/generations', json(GENERATION, { accept: 'text/event-stream' }));
    const [nodeEvents, lambdaEvents] = [parseSse(await node.text()), parseSse(await lambda.text())];
    const handlerMs = await streamed.handlerDone;
    // Assess
    expect([node.status, lambda.status]).toEqual([200, 200]);
    expect(lambda.headers.get('content-type')).toBe(node.headers.get('content-type'));
    expect(lambdaEvents.map((event) => event.event)).toEqual(nodeEvents.map((event) => event.event));
    expect(lambdaEvents.map((event) => event.id)).toEqual(nodeEvents.map((event) => event.id));
    expect(lambdaEvents[0]?.event).toBe('accepted');
    expect(lambdaEvents.at(-1)?.event).toBe('done');
    expect(reproducible(lambdaEvents.at(-1)!.data as GenerationRecord)).toEqual(reproducible(nodeEvents.at(-1)!.data as GenerationRecord));
    // response streaming: the first events reached the client long before the handler returned
    expect(streamed.chunkTimes.length).toBeGreaterThanOrEqual(2);
    expect(streamed.chunkTimes[0]!).toBeLessThan(handlerMs / 2);
  });

  it('hands a respond-async generation to the worker function by asynchronous invoke, and ends with the Node server\'s record', async () => {
    // Prepare
    const before = invoke.invocations.length;
    // Act
    const { node, lambda } = await both('/v1/generations', json(GENERATION, { prefer: 'respond-async' }));
    const [nodeQueued, lambdaQueued] = [(await node.json()) as GenerationRecord, (await lambda.json()) as GenerationRecord];
    const invocation = invoke.invocations[before];
    const workerResult = await invocation?.done;
    const lambdaFinal = await finalRecord(async () => (await invokeFunctionUrl(handler, new URL(`/v1/generations/${lambdaQueued.id}`, FUNCTION_URL))).response);
    const nodeFinal = await finalRecord(() => fetch(`${world.nodeUrl}/v1/generations/${nodeQueued.id}`));
    // Assess
    expect([node.status, lambda.status]).toEqual([202, 202]);
    expect(lambda.headers.get('preference-applied')).toBe(node.headers.get('preference-applied'));
    expect(lambda.headers.get('location')).toBe(`/v1/generations/${lambdaQueued.id}`);
    expect([nodeQueued.status, lambdaQueued.status]).toEqual(['queued', 'queued']);
    expect(invoke.invocations).toHaveLength(before + 1);
    expect(invocation).toMatchObject({ functionName: WORKER_FUNCTION, invocationType: 'Event', payload: { generationId: lambdaQueued.id, tenant: 'default' } });
    // the worker ran it: had the API's sandbox run it too, the worker would have found it taken or ended
    expect(workerResult).toEqual({ generation_id: lambdaQueued.id, outcome: 'ran', status: 'succeeded' });
    expect(lambdaFinal.status).toBe('succeeded');
    expect(reproducible(lambdaFinal)).toEqual(reproducible(nodeFinal));
  });

  it('cuts a synchronous generation to the invocation\'s remaining time minus the margin, so it answers before Lambda stops it', async () => {
    // Prepare: the 3 s margin of a 5 s timeout leaves 2 s for a request that asks for 200 images and no deadline;
    // the prompt is warmed first, so its first image (which always starts) is not the emulator's cold one
    const timeoutMs = 5000;
    const body = { ...GENERATION, prompt: 'a photo of a green bench', seed: 77, steps: 20, search: { method: 'best_of_n', budget: 200 } };
    await (await invokeFunctionUrl(handler, new URL('/v1/generations', FUNCTION_URL), json({ ...body, search: { budget: 1 } }))).handlerDone;
    // Act
    const streamed = await invokeFunctionUrl(handler, new URL('/v1/generations', FUNCTION_URL), { ...json(body), timeoutMs });
    const answer = (await (await checkedResponse('POST', '/v1/generations', streamed.response)).json()) as GenerationRecord & { code?: string };
    const handlerMs = await streamed.handlerDone;
    // Assess: an answer within the timeout, truncated at the cut deadline (or 504 when not even one image fitted, on a loaded machine)
    expect(handlerMs).toBeLessThan(timeoutMs);
    if (streamed.response.status === 200) {
      expect(answer).toMatchObject({ status: 'succeeded', truncated: true, stop_reason: 'deadline' });
      expect(answer.candidates.length).toBeLessThan(200);
      expect(answer.request['deadline_ms']).toBeUndefined();
    } else {
      expect(streamed.response.status).toBe(504);
      expect(answer.code).toBe('deadline_exceeded');
    }
  });

  it('answers 502 upstream_failed and keeps a failed record when the worker function cannot be invoked', async () => {
    // Prepare: an API function whose DIFFALIGN_JOB_FUNCTION names no function
    const misnamed = createLambdaHandlers(() => createLambdaDependencies({ ...env, DIFFALIGN_S3_PREFIX: 'lambda/', DIFFALIGN_JOB_FUNCTION: 'no-such-worker' }));
    const api = misnamed.handler as unknown as StreamingHandler;
    // Act
    const created = await invokeFunctionUrl(api, new URL('/v1/generations', FUNCTION_URL), json(GENERATION, { prefer: 'respond-async' }));
    const problem = (await (await checkedResponse('POST', '/v1/generations', created.response)).json()) as { code: string; detail: string; generation_id?: string };
    const id = created.response.headers.get('location')?.split('/').pop() ?? problem.generation_id ?? '';
    const stored = (await (await invokeFunctionUrl(api, new URL(`/v1/generations/${id}`, FUNCTION_URL))).response.json()) as GenerationRecord;
    // Assess
    expect(created.response.status).toBe(502);
    expect(problem.code).toBe('upstream_failed');
    expect(problem.detail).toMatch(/no-such-worker/);
    expect(stored).toMatchObject({ id, status: 'failed', error: { code: 'job_dispatch_failed' } });
  });

  it('imports and builds with nothing configured, and answers 500 problem+json until it is', async () => {
    // Prepare
    const unconfigured = createLambdaHandlers(() => createLambdaDependencies({}));
    // Act
    const streamed = await invokeFunctionUrl(unconfigured.handler as unknown as StreamingHandler, new URL('/v1/models', FUNCTION_URL));
    const problem = (await streamed.response.json()) as { code: string; status: number };
    // Assess
    expect(streamed.response.status).toBe(500);
    expect(streamed.response.headers.get('content-type')).toBe('application/problem+json');
    expect(problem).toMatchObject({ code: 'internal_error', status: 500 });
  });
});
