import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../api/app-deps.js';
import { createApp } from '../api/app.js';
import { GenerationJobWorker, type JobOutcome } from '../api/generation-job-worker.js';
import { ConfigError } from '../config.js';
import type { GenerationJob } from '../ports/job-runner.js';
import { type LambdaContext, streamHandle } from './aws-lambda-adapter.js';
import { lazyApp } from './lazy-app.js';

/** What the two Lambda functions run with (built on first use, so a bad configuration fails the invocation, not the import). */
export interface LambdaHandlerDeps {
  /** The API function's dependencies; a JobRunner is required (it invokes the worker function). */
  readonly api: AppDeps;
  /** The worker function's dependencies (no JobRunner: it runs the jobs). */
  readonly worker: AppDeps;
  /** Kept back from an invocation's remaining time for the final write and the answer. */
  readonly deadlineMarginMs: number;
}

/** The worker's answer for one job: what became of it (Lambda's async invocations discard it; logs and tests read it). */
export interface WorkerResult {
  readonly generation_id: string;
  readonly outcome: JobOutcome['kind'];
  readonly reason?: string;
  readonly status?: string;
}

/** The two exports of the Lambda entry. */
export interface LambdaHandlers {
  /** The function URL's app (built on its first request), which `handler` streams. */
  readonly app: Hono;
  /** The HTTP API behind a function URL in response-streaming mode (`awslambda.streamifyResponse`), so SSE streams. */
  readonly handler: ReturnType<typeof streamHandle>;
  /** Runs one job the API handed over (an asynchronous invocation's event: a GenerationJob). */
  readonly worker: (event: unknown, context: LambdaContext) => Promise<WorkerResult>;
}

const jobSchema = z.object({
  generationId: z.string().min(1).max(64),
  tenant: z.string().min(1).max(128),
  requestId: z.string().max(256).optional(),
});

/**
 * The Lambda entry's handlers over lazily built dependencies. Each invocation's deadline respects the
 * function's timeout: a generation must be over by `getRemainingTimeInMillis()` minus the margin (the
 * engine's deadline is cut to it), so a synchronous answer, or the worker's final record, comes before
 * Lambda stops the sandbox.
 */
export function createLambdaHandlers(build: () => LambdaHandlerDeps): LambdaHandlers {
  let built: LambdaHandlerDeps | undefined;
  const deps = (): LambdaHandlerDeps => (built ??= build());
  let jobWorker: GenerationJobWorker | undefined;
  // the function URL's app is built on the API function's first request (the worker function never builds it)
  const app = lazyApp(() => {
    const { api, deadlineMarginMs } = deps();
    // a frozen sandbox cannot run work after its answer: respond-async generations must go to the worker function
    if (!api.jobRunner) throw new ConfigError('DIFFALIGN_JOB_FUNCTION: required by the API function (the worker function it hands respond-async generations to)');
    const now = api.now ?? Date.now;
    return createApp({ ...api, requestTimeLimit: (c) => timeLimitOf(lambdaContextOf(c.env), deadlineMarginMs, now) });
  });

  return {
    app,
    handler: streamHandle(app),
    worker: async (event, context) => {
      const job: GenerationJob = jobSchema.parse(event);
      const { worker, deadlineMarginMs } = deps();
      jobWorker ??= new GenerationJobWorker(worker);
      const runUntil = timeLimitOf(context, deadlineMarginMs, worker.now ?? Date.now);
      const outcome = await jobWorker.run(job, runUntil === undefined ? {} : { runUntil });
      return {
        generation_id: job.generationId,
        outcome: outcome.kind,
        ...(outcome.kind === 'skipped' ? { reason: outcome.reason } : {}),
        ...(outcome.record ? { status: outcome.record.status } : {}),
      };
    },
  };
}

/** The Lambda context Hono's adapter put on the request's env (`context` when streaming, `lambdaContext` when buffered). */
function lambdaContextOf(env: unknown): LambdaContext | undefined {
  const bindings = env as { context?: LambdaContext; lambdaContext?: LambdaContext } | undefined;
  return bindings?.context ?? bindings?.lambdaContext;
}

/** Epoch ms by which work must be over: the invocation's remaining time minus the margin (undefined outside Lambda). */
function timeLimitOf(context: LambdaContext | undefined, marginMs: number, now: () => number): number | undefined {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') return undefined;
  return now() + Math.max(0, context.getRemainingTimeInMillis() - marginMs);
}
