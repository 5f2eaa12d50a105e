import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from './wildcard-acknowledgement.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Lambda entry both functions are bundled from (one esbuild bundle: same entry, same options). */
export const LAMBDA_ENTRY = 'src/runtime/lambda.ts';

/**
 * Packages that must never reach the Lambda bundle: the reference world's native image library and thread
 * pool, and the harvest's DuckDB. The Lambda entry wires S3 and SageMaker only; listing them here keeps a
 * stray import from pulling a linux-x64 native addon into an arm64 function.
 */
export const LAMBDA_EXCLUDED_MODULES = ['sharp', 'piscina', '@duckdb/node-api'] as const;

/** Options of one diffalign function. */
export interface AppFunctionProps {
  /** Export of `src/runtime/lambda.ts` to run: `handler` (the API) or `worker` (async jobs). */
  readonly handler: 'handler' | 'worker';
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Reserved concurrency; undefined leaves the function on the account's unreserved pool. */
  readonly reservedConcurrentExecutions?: number;
  readonly logRetention: RetentionDays;
}

/**
 * A function running one export of the Lambda entry: Node 22 on arm64, bundled by a locally installed
 * esbuild (no Docker) as minified ESM with source maps, the AWS SDK bundled in (the versions the tests
 * ran, not the runtime's), its own log group, and a role that may write only to that log group until
 * callers grant it more.
 */
export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `diffalign ${props.handler} function` });
    const logs = new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] });
    this.role.addToPrincipalPolicy(logs);
    acknowledgeWildcardResources(this.role, logs, 'The log group ARN ends in :* to cover its log streams, which Lambda names per execution environment.');

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${REPOSITORY_ROOT}${LAMBDA_ENTRY}`,
      handler: props.handler,
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: `${REPOSITORY_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins
        banner: "import { createRequire as diffalignCreateRequire } from 'node:module'; const require = diffalignCreateRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        bundleAwsSDK: true,
        externalModules: [...LAMBDA_EXCLUDED_MODULES],
        forceDockerBundling: false,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the newest runtime the project supports and tests (package.json engines: ^20.19 || >=22.12); move to Node 24 once it is in the test matrix.',
    });
  }
}
