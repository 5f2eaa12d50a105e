import type { AppDeps } from '../api/app-deps.js';
import { loadConfig } from '../config.js';
import { createJsonLineLogger } from './json-line-logger.js';
import { createServerlessDependencies, type StaticCredentials } from './serverless-dependencies.js';

/**
 * The env bindings of the Workers entry: plain-text vars and secrets, read as loadConfig reads the Node
 * environment (`DIFFALIGN_STORAGE=s3`, `DIFFALIGN_S3_BUCKET`, `DIFFALIGN_S3_ENDPOINT`, `AWS_REGION`,
 * `DIFFALIGN_BACKEND=sagemaker`, `DIFFALIGN_SAGEMAKER_URL` …) plus `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (secrets): Workers have no AWS credential chain.
 */
export type WorkerBindings = Readonly<Record<string, unknown>>;

/**
 * The app's dependencies on Cloudflare Workers, from the bindings: S3 and SageMaker through the SDK's
 * fetch handler, JSON log lines on the console, and `waitUntil` from the runtime (the request's
 * `ctx.waitUntil`, through BackgroundWork). Throws a ConfigError naming what to set.
 */
export function createWorkerDependencies(bindings: WorkerBindings, waitUntil: (work: Promise<unknown>) => void): AppDeps {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(bindings)) if (typeof value === 'string') env[name] = value;
  const config = loadConfig(env);
  const credentials = credentialsOf(env);
  return {
    ...createServerlessDependencies(config, credentials === undefined ? {} : { credentials }),
    logger: createJsonLineLogger(config, (line) => console.log(line)),
    waitUntil,
  };
}

/** Static credentials from the bindings, when both the key id and the secret are there. */
function credentialsOf(env: Record<string, string>): StaticCredentials | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
