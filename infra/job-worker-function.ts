import { Duration, Validations } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppFunction, type AppFunctionProps } from './app-function.js';

/** Options of the job worker. */
export interface JobWorkerFunctionProps extends Omit<AppFunctionProps, 'handler' | 'description'> {
  /** Lambda's own retries of a failed asynchronous invocation (0–2). */
  readonly retryAttempts: number;
  /** How long an event may wait (throttled) before it goes to the dead-letter queue. */
  readonly maxEventAge: Duration;
}

/**
 * The function that runs `Prefer: respond-async` generations (the `worker` export), invoked by the API with
 * InvocationType `Event` so no work is left running in a frozen API sandbox. Lambda queues the event,
 * retries a failed run `retryAttempts` times, and sends what still failed, or waited longer than
 * `maxEventAge`, to an SQS dead-letter queue (SQS-managed encryption, TLS only, 14 days).
 */
export class JobWorkerFunction extends Construct {
  readonly worker: AppFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: JobWorkerFunctionProps) {
    super(scope, id);
    const { retryAttempts, maxEventAge, ...functionProps } = props;
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the job worker; nothing consumes it automatically, an alarm watches it.',
    });
    this.worker = new AppFunction(this, 'Worker', { ...functionProps, handler: 'worker', description: 'diffalign job worker: runs respond-async generations' });
    this.worker.function.configureAsyncInvoke({ onFailure: new SqsDestination(this.deadLetters), retryAttempts, maxEventAge });
  }
}
