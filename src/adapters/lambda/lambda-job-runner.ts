import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { BackendCallError } from '../../ports/errors.js';
import type { GenerationJob, JobRunner } from '../../ports/job-runner.js';

/** How the runner reaches Lambda and what it tells readers. */
export interface LambdaJobRunnerConfig {
  /** A client to use instead of building one (tests, or one shared per process). */
  readonly client?: LambdaClient;
  /** Default: the SDK's resolution (AWS_REGION); `us-east-1` with an `endpoint`. */
  readonly region?: string;
  /** A Lambda-compatible Invoke API (a local emulator in tests). */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /**
   * How long a job may wait in Lambda's asynchronous queue, its retries included, before it counts as
   * lost: the worker's maximum event age plus its retry attempts times its timeout.
   */
  readonly maxWaitMs: number;
}

/**
 * JobRunner on AWS Lambda: each job is an asynchronous invocation (`InvocationType: 'Event'`) of the
 * worker function, which Lambda queues, retries on failure (up to two more attempts) and, when they all
 * fail or the event grows too old, hands to the function's on-failure destination. `doDispatch` resolves
 * once Lambda answered 202 (the event is queued durably); anything else is a BackendCallError.
 */
export class LambdaJobRunner implements JobRunner {
  readonly provider = 'aws-lambda';
  readonly target: string;
  readonly maxWaitMs: number;
  private readonly client: LambdaClient;

  constructor(
    readonly functionName: string,
    config: LambdaJobRunnerConfig,
  ) {
    this.target = `lambda:${functionName}`;
    this.maxWaitMs = config.maxWaitMs;
    const region = config.region ?? (config.endpoint ? 'us-east-1' : undefined);
    this.client =
      config.client ??
      new LambdaClient({
        ...(region === undefined ? {} : { region }),
        ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
        ...(config.credentials === undefined ? {} : { credentials: { ...config.credentials } }),
      });
  }

  async doDispatch(job: GenerationJob): Promise<void> {
    let status: number | undefined;
    try {
      const output = await this.client.send(
        new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(job)) }),
      );
      status = output.StatusCode;
    } catch (error) {
      const httpStatus = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      throw new BackendCallError({
        backend: this.target,
        message: `asynchronous invoke of ${this.functionName} failed${httpStatus === undefined ? '' : ` (${httpStatus})`}: ${(error as Error).name}: ${(error as Error).message}`,
        ...(httpStatus === undefined ? {} : { statusCode: httpStatus }),
        cause: error,
      });
    }
    if (status !== 202) throw new BackendCallError({ backend: this.target, message: `asynchronous invoke of ${this.functionName} answered ${String(status)}, not 202`, ...(status === undefined ? {} : { statusCode: status }) });
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }
}
