import { createLambdaDependencies } from './lambda-dependencies.js';
import { createLambdaHandlers } from './lambda-handlers.js';

/**
 * AWS Lambda entry, one bundle for two functions (infra/): `handler` is the HTTP API behind a function URL
 * in response-streaming mode, `worker` runs the `Prefer: respond-async` generations the API hands over by
 * asynchronous invocation. Both wire S3 and SageMaker from the environment on their first invocation, so
 * the module imports (and tests construct it) with nothing configured.
 */
export const { handler, worker } = createLambdaHandlers(() => createLambdaDependencies(process.env));
