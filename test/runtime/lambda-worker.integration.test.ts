import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/adapters/storage/s3-blob-store.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import type { GenerationJob, JobRunner } from '../../src/ports/job-runner.js';
import { instanceKey } from '../../src/records/generation-layout.js';
import { GenerationStore } from '../../src/records/generation-store.js';
import { newUuidV7 } from '../../src/records/uuid-v7.js';
import { createLambdaDependencies } from '../../src/runtime/lambda-dependencies.js';
import { createLambdaHandlers, type LambdaHandlers, type WorkerResult } from '../../src/runtime/lambda-handlers.js';
import { installLambdaStreamingGlobals, invokeFunctionUrl, lambdaContext, type StreamingHandler } from '../support/lambda-function-url.js';
import { reproducible } from '../support/reproducible-record.js';
import { type ParityWorld, startParityWorld } from '../support/runtime-parity.js';

const FUNCTION_URL = 'https://worker-tests.lambda-url.us-east-1.on.aws';
const PREFIX = 'jobs/';
const GENERATION = { prompt: 'a photo of a purple wine glass and a black apple', seed: 21, width: 64, height: 64, steps: 6, search: { method: 'best_of_n', budget: 4 } };
const encoder = new TextEncoder();

describe('the Lambda worker export runs handed-over jobs once (s3rver, SageMaker emulator)', () => {
  let world: ParityWorld;
  let env: Record<string, string>;
  /** Jobs the API handed over; the tests deliver them to the worker themselves (as Lambda would, or twice). */
  const dispatched: GenerationJob[] = [];
  let sandbox: LambdaHandlers;
  let bucket: S3BlobStore;
  let generations: GenerationStore<GenerationRecord>;

  /** One Lambda sandbox: the entry's handlers over their own dependencies, the API's JobRunner only recording. */
  function newSandbox(): LambdaHandlers {
    return createLambdaHandlers(() => {
      const deps = createLambdaDependencies(env);
      const recording: JobRunner = { provider: 'test', target: 'lambda:diffalign-worker', maxWaitMs: 60_000, doDispatch: async (job) => void dispatched.push(job) };
      return { ...deps, api: { ...deps.api, jobRunner: recording } };
    });
  }

  /** Accepts a respond-async generation through the API handler; returns its job. */
  async function handOver(body: unknown = GENERATION): Promise<GenerationJob> {
    const before = dispatched.length;
    const { response } = await invokeFunctionUrl(sandbox.handler as unknown as StreamingHandler, new URL('/v1/generations', FUNCTION_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    expect(dispatched).toHaveLength(before + 1);
    return dispatched[before]!;
  }

  const runJob = (handlers: LambdaHandlers, job: GenerationJob): Promise<WorkerResult> => handlers.worker(job, lambdaContext({ functionName: 'diffalign-worker', timeoutMs: 120_000 }));

  beforeAll(async () => {
    installLambdaStreamingGlobals();
    world = await startParityWorld({ bucket: 'diffalign-jobs' });
    env = { ...world.env, DIFFALIGN_S3_PREFIX: PREFIX, DIFFALIGN_HEARTBEAT_MS: '200' };
    sandbox = newSandbox();
    bucket = new S3BlobStore({ bucket: world.s3.bucket, prefix: PREFIX, endpoint: world.s3.endpoint, credentials: world.s3.credentials });
    generations = new GenerationStore<GenerationRecord>(bucket, 'default');
  });

  afterAll(async () => {
    await world?.close();
  });

  let finished: GenerationRecord;

  it('runs a job Lambda delivers twice at once in two sandboxes exactly once', async () => {
    // Prepare
    const job = await handOver();
    // Act
    const results = await Promise.all([runJob(newSandbox(), job), runJob(newSandbox(), job)]);
    finished = (await generations.loadRecord(job.generationId))!;
    const images = (await bucket.list('generations/')).filter((key) => key.includes(job.generationId) && key.endsWith('.png'));
    // Assess
    expect(results.map((result) => result.outcome).sort()).toEqual(['ran', 'skipped']);
    expect(['claimed_elsewhere', 'owned']).toContain(results.find((result) => result.outcome === 'skipped')!.reason);
    expect(finished.status).toBe('succeeded');
    expect(finished.candidates).toHaveLength(4);
    expect(images).toHaveLength(4);
  });

  it('leaves a generation that already ended alone when its job comes again', async () => {
    // Prepare
    const before = await generations.loadVersioned(finished.id);
    // Act
    const result = await runJob(sandbox, { generationId: finished.id, tenant: 'default' });
    const after = await generations.loadVersioned(finished.id);
    // Assess
    expect(result).toEqual({ generation_id: finished.id, outcome: 'skipped', reason: 'finished', status: 'succeeded' });
    expect(after?.etag).toBe(before?.etag);
  });

  it('runs again from its plan a generation whose worker died mid-run, replacing what that run stored', async () => {
    // Prepare: the job was claimed by a worker that wrote one candidate's image and then stopped for good
    const job = await handOver();
    const queued = (await generations.load(job.generationId))!;
    const dead = { instance: 'worker-that-died' };
    await bucket.put(instanceKey(dead.instance), encoder.encode(JSON.stringify({ ...dead, started_at: new Date().toISOString(), heartbeat_at: new Date().toISOString(), stopped_at: new Date().toISOString() })), { contentType: 'application/json' });
    await generations.save({ ...queued, record: { ...queued.record, status: 'running' }, owner: dead });
    await generations.saveImage(job.generationId, 'c000', encoder.encode('half-written by the dead run'), 'image/png');
    // Act
    const result = await runJob(sandbox, job);
    const record = (await generations.loadRecord(job.generationId))!;
    const image = await generations.loadImage(job.generationId, 'c000');
    // Assess
    expect(result).toEqual({ generation_id: job.generationId, outcome: 'ran', status: 'succeeded' });
    expect(reproducible(record)).toEqual(reproducible(finished));
    expect(new TextDecoder().decode(image!.body.subarray(1, 4))).toBe('PNG');
  });

  it('finalises a job cancelled before it started as cancelled, without calling a model', async () => {
    // Prepare
    const job = await handOver({ ...GENERATION, seed: 99 });
    const cancel = await invokeFunctionUrl(sandbox.handler as unknown as StreamingHandler, new URL(`/v1/generations/${job.generationId}/cancel`, FUNCTION_URL), { method: 'POST' });
    world.emulator.resetCalls();
    // Act
    const result = await runJob(sandbox, job);
    const record = (await generations.loadRecord(job.generationId))!;
    // Assess
    expect(cancel.response.status).toBe(202);
    expect(result).toEqual({ generation_id: job.generationId, outcome: 'cancelled', status: 'cancelled' });
    expect(record).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' }, candidates: [] });
    expect(world.emulator.calls()).toHaveLength(0);
  });

  it('does not touch a generation that a live process owns', async () => {
    // Prepare: another process took the job and heart-beats
    const job = await handOver({ ...GENERATION, seed: 5 });
    const queued = (await generations.load(job.generationId))!;
    const alive = { instance: 'worker-still-running' };
    await bucket.put(instanceKey(alive.instance), encoder.encode(JSON.stringify({ ...alive, started_at: new Date().toISOString(), heartbeat_at: new Date().toISOString() })), { contentType: 'application/json' });
    await generations.save({ ...queued, record: { ...queued.record, status: 'running' }, owner: alive });
    // Act
    const result = await runJob(sandbox, job);
    // Assess
    expect(result).toEqual({ generation_id: job.generationId, outcome: 'skipped', reason: 'owned', status: 'running' });
  });

  it('skips a job for a generation that does not exist, and refuses an event that is not a job', async () => {
    // Act
    const missing = newUuidV7();
    const result = await runJob(sandbox, { generationId: missing, tenant: 'default' });
    // Assess
    expect(result).toEqual({ generation_id: missing, outcome: 'skipped', reason: 'missing' });
    await expect(sandbox.worker({ hello: 'world' }, lambdaContext())).rejects.toThrow(/generationId/);
  });
});
