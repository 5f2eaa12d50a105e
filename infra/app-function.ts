import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_EXCLUDED_MODULES, LAMBDA_NODE_OPTIONS } from '../src/runtime/runtime-bundles.js';
import { acknowledgeWildcardResources } from './wildcard-acknowledgement.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

export { LAMBDA_EXCLUDED_MODULES };

/**
 * The functions' code: the Lambda bundle exactly as `npm run bundle lambda` builds it
 * (src/runtime/runtime-bundles.ts; `npm run bench bundle` measures the same build), written by the synth
 * into the asset directory (`index.mjs`, its `chunks/` and source maps) with the locally installed esbuild,
 * no Docker. The asset's hash is the output's, so an unchanged bundle is not uploaded again. Built once per
 * process: both functions share the asset.
 */
function lambdaBundleCode(): Code {
  return Code.fromAsset(REPOSITORY_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // never pulled: local bundling always succeeds or throws
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          const built = spawnSync(process.execPath, ['--import', 'tsx', 'src/runtime/bundle-cli.ts', 'lambda', '--out', outputDir], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
          if (built.status !== 0) throw new Error(`npm run bundle lambda failed (${built.status ?? built.signal}): ${built.stderr}`);
          return true;
        },
      },
    },
  });
}

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
 * A function running one export of the Lambda entry: Node 22 on arm64, from the Lambda bundle (minified
 * ESM with source maps, the AWS SDK bundled in: the versions the tests ran, not the runtime's), its own
 * log group, and a role that may write only to that log group until callers grant it more.
 */
export class AppFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `diffalign ${props.handler} function` });
    const logs = new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] });
    this.role.addToPrincipalPolicy(logs);
    acknowledgeWildcardResources(this.role, logs, 'The log group ARN ends in :* to cover its log streams, which Lambda names per execution environment.');

    this.function = new LambdaFunction(this, 'Function', {
      code: lambdaBundleCode(),
      handler: `index.${props.handler}`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: { NODE_OPTIONS: LAMBDA_NODE_OPTIONS, ...props.environment },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the newest runtime the project supports and tests (package.json engines: ^20.19 || >=22.12); move to Node 24 once it is in the test matrix.',
    });
  }
}
