import { type LambdaContext, streamHandle } from './aws-lambda-adapter.js';
import type { LambdaHandlers, WorkerResult } from './lambda-handlers.js';
import { lazyApp } from './lazy-app.js';

let loaded: Promise<LambdaHandlers> | undefined;

/**
 * The handlers over the environment's dependencies, from modules loaded on the first invocation: the
 * import (Lambda's init phase) evaluates only Hono and the streaming adapter; the app, its zod schemas
 * and the AWS SDK are evaluated when the first event needs them (`npm run bench bundle` times both).
 */
function wiredHandlers(): Promise<LambdaHandlers> {
  loaded ??= Promise.all([import('./lambda-handlers.js'), import('./lambda-dependencies.js')]).then(([handlers, dependencies]) =>
    handlers.createLambdaHandlers(() => dependencies.createLambdaDependencies(process.env)),
  );
  return loaded;
}

/**
 * AWS Lambda entry, one bundle for two functions (infra/): `handler` is the HTTP API behind a function URL
 * in response-streaming mode, `worker` runs the `Prefer: respond-async` generations the API hands over by
 * asynchronous invocation. Both wire S3 and SageMaker from the environment on their first invocation, so
 * the module imports (and tests construct it) with nothing configured.
 */
export const handler = streamHandle(lazyApp(async () => (await wiredHandlers()).app));

/** The worker function's handler (see `handler`). */
export const worker = async (event: unknown, context: LambdaContext): Promise<WorkerResult> => (await wiredHandlers()).worker(event, context);
