import { Aws, CfnCondition, CfnOutput, CfnParameter, Duration, Fn, Stack, type StackProps, Tags, Token } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DiffalignAlarms } from './alarms.js';
import { ApiFunction } from './api-function.js';
import type { AppFunction } from './app-function.js';
import { DiffalignGlueTables } from './glue-tables.js';
import { type EndpointRole, type EndpointSettings, InferenceEndpoints } from './inference-endpoints.js';
import { JobWorkerFunction } from './job-worker-function.js';
import { type BucketEncryptionChoice, StorageBucket } from './storage-bucket.js';

/** Synth-time choices (CDK context in infra/app.ts); deploy-time values are CloudFormation parameters. */
export interface DiffalignStackProps extends StackProps {
  /** `DIFFALIGN_S3_PREFIX`, without slashes at either end (default '': the bucket root). */
  readonly prefix?: string;
  readonly encryption?: BucketEncryptionChoice;
  readonly versioned?: boolean;
  /** Host every model as an inference component that can scale to zero copies and instances (default false). */
  readonly scaleToZero?: boolean;
  /** Endpoint names are `<namePrefix>-generator` etc. (default `diffalign`); one stack per prefix and region. */
  readonly namePrefix?: string;
  readonly apiTimeout?: Duration;
  readonly workerTimeout?: Duration;
  readonly apiMemoryMb?: number;
  readonly workerMemoryMb?: number;
  /** `DIFFALIGN_IDEMPOTENCY_TTL_SECONDS` (default 86400); the lifecycle rule of idempotency/ follows it. */
  readonly idempotencyTtlSeconds?: number;
  /** `DIFFALIGN_S3_PRESIGN_SECONDS`: image links answer 302 to presigned GETs, and the generator PUTs images by presigned URL (default 900). */
  readonly presignSeconds?: number;
  /** How long a respond-async job may wait for the worker before it is dead-lettered (default 1 hour). */
  readonly jobMaxEventAge?: Duration;
  readonly glueDatabaseName?: string;
  readonly endpointOverrides?: Partial<Record<EndpointRole, Partial<EndpointSettings>>>;
}

/** ModelLatency p99 (ms) each endpoint alarms above: near the 60 s InvokeEndpoint limit for the slow ones. */
const LATENCY_ALARM_MS: Record<EndpointRole, number> = { generator: 50_000, scorer: 20_000, promptist: 10_000, llm: 45_000 };

/**
 * diffalign on AWS: the bucket (storage-bucket.ts), the API function with its streaming function URL and the
 * job worker (api-function.ts, job-worker-function.ts), the four SageMaker endpoints with autoscaling
 * (inference-endpoints.ts), the Glue tables for Athena (glue-tables.ts) and the alarms (alarms.ts).
 */
export class DiffalignStack extends Stack {
  readonly storage: StorageBucket;
  readonly endpoints: InferenceEndpoints;
  readonly api: ApiFunction;
  readonly jobs: JobWorkerFunction;
  readonly alarms: DiffalignAlarms;
  readonly glue: DiffalignGlueTables;

  constructor(scope: Construct, id: string, props: DiffalignStackProps = {}) {
    super(scope, id, { description: 'diffalign: inference-time alignment API on Lambda, S3 and SageMaker', ...props });
    const prefix = (props.prefix ?? '').replace(/^\/+|\/+$/g, '');
    const scaleToZero = props.scaleToZero ?? false;
    const apiTimeout = props.apiTimeout ?? Duration.seconds(360);
    const workerTimeout = props.workerTimeout ?? Duration.seconds(900);
    const idempotencyTtlSeconds = props.idempotencyTtlSeconds ?? 86_400;
    Tags.of(this).add('project', 'diffalign');

    this.storage = new StorageBucket(this, 'Storage', {
      prefix,
      idempotencyTtlSeconds,
      ...(props.encryption ? { encryption: props.encryption } : {}),
      ...(props.versioned === undefined ? {} : { versioned: props.versioned }),
    });
    this.endpoints = new InferenceEndpoints(this, 'Endpoints', {
      namePrefix: props.namePrefix ?? 'diffalign',
      scaleToZero,
      ...(props.endpointOverrides ? { overrides: props.endpointOverrides } : {}),
    });
    this.glue = new DiffalignGlueTables(this, 'Glue', { bucketName: this.storage.bucket.bucketName, prefix, ...(props.glueDatabaseName ? { databaseName: props.glueDatabaseName } : {}) });

    const logRetention = new CfnParameter(this, 'LogRetentionDays', {
      type: 'Number',
      default: 30,
      allowedValues: ['1', '3', '5', '7', '14', '30', '60', '90', '120', '150', '180', '365', '400', '545', '731', '1096', '1827', '2192', '2557', '2922', '3288', '3653'],
      description: 'Days the functions keep their logs',
    }).valueAsNumber as RetentionDays;
    const reserved = (name: string, what: string): number => {
      const value = new CfnParameter(this, name, { type: 'Number', default: 0, minValue: 0, description: `Reserved concurrency of the ${what} function (0: none, the account's unreserved pool)` }).valueAsNumber;
      const unreserved = new CfnCondition(this, `${name}IsUnset`, { expression: Fn.conditionEquals(value, 0) });
      return Token.asNumber(Fn.conditionIf(unreserved.logicalId, Aws.NO_VALUE, value));
    };
    const retryAttempts = new CfnParameter(this, 'WorkerRetryAttempts', {
      type: 'Number',
      default: 0,
      minValue: 0,
      maxValue: 2,
      description: 'Lambda retries of a failed respond-async job before it goes to the dead-letter queue (a retry runs the generation again)',
    }).valueAsNumber;

    const corsOrigins = new CfnParameter(this, 'CorsOrigins', {
      type: 'String',
      default: '',
      description: 'DIFFALIGN_CORS_ORIGINS: origins browser apps may call the API from (* or a comma list; empty: no CORS headers)',
    }).valueAsString;

    const sagemaker = this.endpoints;
    const environment: Record<string, string> = {
      DIFFALIGN_STORAGE: 's3',
      DIFFALIGN_S3_BUCKET: this.storage.bucket.bucketName,
      DIFFALIGN_S3_PREFIX: this.storage.keyPrefix,
      DIFFALIGN_S3_PRESIGN_SECONDS: String(props.presignSeconds ?? 900),
      DIFFALIGN_IDEMPOTENCY_TTL_SECONDS: String(idempotencyTtlSeconds),
      DIFFALIGN_BACKEND: 'sagemaker',
      DIFFALIGN_SM_GENERATOR_ENDPOINT: sagemaker.generator.endpointName,
      DIFFALIGN_SM_SCORER_ENDPOINT: sagemaker.scorer.endpointName,
      DIFFALIGN_SM_SCORERS: sagemaker.scorer.modelSetting,
      DIFFALIGN_SM_PROMPTIST_ENDPOINT: sagemaker.promptist.endpointName,
      DIFFALIGN_SM_LLM_ENDPOINT: sagemaker.llm.endpointName,
      // a public function URL never serves without keys, even before the first key is created
      DIFFALIGN_AUTH: 'required',
      DIFFALIGN_CORS_ORIGINS: corsOrigins,
      DIFFALIGN_LOG_LEVEL: 'info',
      // the playground page is the Node server's: the Lambda bundle leaves it out (src/runtime/runtime-bundles.ts)
      DIFFALIGN_PLAYGROUND: 'off',
    };
    if (scaleToZero) {
      const components: Record<string, string | undefined> = {
        DIFFALIGN_SM_GENERATOR_INFERENCE_COMPONENT: sagemaker.generator.inferenceComponentName,
        DIFFALIGN_SM_SCORER_INFERENCE_COMPONENT: sagemaker.scorer.inferenceComponentName,
        DIFFALIGN_SM_PROMPTIST_INFERENCE_COMPONENT: sagemaker.promptist.inferenceComponentName,
        DIFFALIGN_SM_LLM_INFERENCE_COMPONENT: sagemaker.llm.inferenceComponentName,
      };
      for (const [name, value] of Object.entries(components)) if (value !== undefined) environment[name] = value;
    }

    const maxEventAge = props.jobMaxEventAge ?? Duration.hours(1);
    // the runtime gives up on a handed-over job after the longest it can wait: the event age plus a first run and two retries
    environment.DIFFALIGN_JOB_MAX_WAIT_SECONDS = String(maxEventAge.toSeconds() + 3 * workerTimeout.toSeconds());
    const settings = (parameterPrefix: string, what: string, timeout: Duration, memorySize: number) => ({
      environment,
      timeout,
      memorySize,
      reservedConcurrentExecutions: reserved(`${parameterPrefix}ReservedConcurrency`, what),
      logRetention,
    });
    this.jobs = new JobWorkerFunction(this, 'Jobs', { ...settings('Worker', 'job worker', workerTimeout, props.workerMemoryMb ?? 1024), retryAttempts, maxEventAge });
    this.api = new ApiFunction(this, 'Http', { ...settings('Api', 'API', apiTimeout, props.apiMemoryMb ?? 1024), jobWorker: this.jobs.worker.function });

    const functions: readonly AppFunction[] = [this.api.api, this.jobs.worker];
    for (const appFunction of functions) {
      this.storage.grantAppAccess(appFunction.role);
      // InvokeEndpoint only (the adapters never stream), on the four named endpoints
      appFunction.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: sagemaker.all.map((endpoint) => endpoint.endpointArn) }));
    }

    this.alarms = new DiffalignAlarms(this, 'Alarms', {
      functions: [
        { name: 'Api', appFunction: this.api.api, timeout: apiTimeout },
        { name: 'Worker', appFunction: this.jobs.worker, timeout: workerTimeout },
      ],
      deadLetters: this.jobs.deadLetters,
      endpoints: (['generator', 'scorer', 'promptist', 'llm'] as const).map((role) => ({ endpoint: sagemaker[role], latencyAlarmMs: LATENCY_ALARM_MS[role] })),
      ...(this.storage.key ? { key: this.storage.key } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url.url, description: 'The API (function URL, response streaming)' });
    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName, description: 'DIFFALIGN_S3_BUCKET, for the CLI (keys, harvest)' });
    new CfnOutput(this, 'BucketPrefix', { value: this.storage.keyPrefix === '' ? '(none)' : this.storage.keyPrefix, description: 'DIFFALIGN_S3_PREFIX' });
    new CfnOutput(this, 'JobFunctionName', { value: this.jobs.worker.function.functionName });
    new CfnOutput(this, 'JobDeadLetterQueueUrl', { value: this.jobs.deadLetters.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'GlueDatabase', { value: this.glue.databaseName, description: 'Athena database of the feedback, generations and erasures tables' });
    for (const endpoint of sagemaker.all) new CfnOutput(this, `${endpoint.node.id}Endpoint`, { value: endpoint.endpointName });
  }
}
