import { createApp } from '../api/app.js';
import { BackgroundWork } from './background-work.js';
import { lazyApp } from './lazy-app.js';
import { createWorkerDependencies, type WorkerBindings } from './worker-dependencies.js';

/** The part of the Workers `ExecutionContext` the entry uses. */
export interface WorkerExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** Async generations of this isolate, kept alive past their response by `ctx.waitUntil`. */
const background = new BackgroundWork();

/** The app, built from the bindings on the isolate's first request (Workers pass them only to `fetch`). */
const app = lazyApp((env) => createApp(createWorkerDependencies(env as WorkerBindings, background.add)));

/**
 * Cloudflare Workers entry (an edge handler): the same app as the Node server, on the S3 store and the
 * SageMaker backend, reached through fetch. A `Prefer: respond-async` generation runs in this isolate,
 * on its supervisor: every response hands the work still running to `ctx.waitUntil`, so the runtime
 * keeps the isolate until it settles (within the platform's limit on work after a response).
 */
export default {
  async fetch(request: Request, env: WorkerBindings, ctx: WorkerExecutionContext): Promise<Response> {
    const response = await app.fetch(request, env, ctx as Parameters<typeof app.fetch>[2]);
    if (background.size > 0) ctx.waitUntil(Promise.allSettled(background.running()));
    return response;
  },
};
