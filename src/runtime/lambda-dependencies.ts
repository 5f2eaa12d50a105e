import { LambdaJobRunner } from '../adapters/lambda/lambda-job-runner.js';
import { loadConfig } from '../config.js';
import { allowManyListeners } from './allow-many-listeners.js';
import { createJsonLineLogger } from './json-line-logger.js';
import { loadLambdaConfig } from './lambda-config.js';
import type { LambdaHandlerDeps } from './lambda-handlers.js';
import { keepAliveAgents } from './node-http-agents.js';
import { createServerlessDependencies } from './serverless-dependencies.js';

/**
 * The Lambda functions' dependencies from their environment (as the CDK stack sets it): loadConfig's S3
 * store and SageMaker backend, Node keep-alive agents for the SDK (Lambda runs Node), JSON log lines on
 * stdout (CloudWatch), and on the API function the JobRunner that invokes `DIFFALIGN_JOB_FUNCTION`. The
 * SDK clients are built once per sandbox and shared by the API and worker dependencies. The Lambda
 * client finds its endpoint as every SDK client does (`AWS_ENDPOINT_URL_LAMBDA` overrides AWS's).
 */
export function createLambdaDependencies(env: Record<string, string | undefined>): LambdaHandlerDeps {
  const config = loadConfig(env);
  const lambda = loadLambdaConfig(env);
  // raw lines on stdout: CloudWatch keeps each as one JSON event (console.log would prefix Lambda's text fields)
  const logger = createJsonLineLogger(config, (line) => process.stdout.write(`${line}\n`));
  const wired = createServerlessDependencies(config, { requestHandler: keepAliveAgents });
  const worker = { ...wired, logger, allowManyListeners };
  const api = lambda.jobFunction === undefined ? worker : { ...worker, jobRunner: new LambdaJobRunner(lambda.jobFunction, { maxWaitMs: lambda.jobMaxWaitMs }) };
  return { api, worker, deadlineMarginMs: lambda.deadlineMarginMs };
}
