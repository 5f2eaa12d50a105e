import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DiffalignStack, type DiffalignStackProps } from './diffalign-stack.js';

/** Where and how to synthesize. */
export interface CreateAppOptions {
  /** Cloud assembly directory (default: `CDK_OUTDIR`, as the cdk CLI sets it, else `cdk.out`). */
  readonly outdir?: string;
  /** CDK context, e.g. from `-c diffalign:scaleToZero=true` (the CLI passes it through the environment). */
  readonly context?: Record<string, unknown>;
  /** CDK's built-in CloudFormation template validation (schema and lint rules) at synthesis (default true). */
  readonly cloudFormationValidation?: boolean;
}

/** CDK feature flags the stack relies on (a cdk.json would list them; the app sets them itself so any entry point gets them). */
const FEATURE_FLAGS = {
  // server access logs delivered by a bucket policy, so the log bucket can keep ACLs disabled (bucket owner enforced)
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

/** Context keys infra/app.ts reads, with what they set. */
export const CONTEXT_KEYS = {
  stackName: 'diffalign:stackName',
  prefix: 'diffalign:prefix',
  encryption: 'diffalign:encryption',
  versioned: 'diffalign:versioned',
  scaleToZero: 'diffalign:scaleToZero',
  namePrefix: 'diffalign:namePrefix',
} as const;

/**
 * The CDK app: one environment-agnostic DiffalignStack (so synthesis needs no AWS account, credentials or
 * network; `cdk deploy` resolves account and region from the caller's credentials), with cdk-nag's
 * AwsSolutions pack registered as a validation plugin, so synthesis fails on any unacknowledged finding.
 */
export function createDiffalignApp(options: CreateAppOptions = {}): { readonly app: App; readonly stack: DiffalignStack } {
  const app = new App({
    outdir: options.outdir ?? process.env.CDK_OUTDIR ?? 'cdk.out',
    context: { ...FEATURE_FLAGS, ...options.context },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
  });
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  const flag = (key: string): boolean | undefined => {
    const value = context(key);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw new Error(`context ${key} must be true or false, got ${value}`);
    return value === 'true';
  };
  const encryption = context(CONTEXT_KEYS.encryption);
  if (encryption !== undefined && encryption !== 's3-managed' && encryption !== 'kms') throw new Error(`context ${CONTEXT_KEYS.encryption} must be s3-managed or kms, got ${encryption}`);
  const props: DiffalignStackProps = {
    ...(context(CONTEXT_KEYS.prefix) !== undefined ? { prefix: context(CONTEXT_KEYS.prefix) } : {}),
    ...(encryption !== undefined ? { encryption } : {}),
    ...(flag(CONTEXT_KEYS.versioned) !== undefined ? { versioned: flag(CONTEXT_KEYS.versioned) } : {}),
    ...(flag(CONTEXT_KEYS.scaleToZero) !== undefined ? { scaleToZero: flag(CONTEXT_KEYS.scaleToZero) } : {}),
    ...(context(CONTEXT_KEYS.namePrefix) !== undefined ? { namePrefix: context(CONTEXT_KEYS.namePrefix) } : {}),
  };
  const stack = new DiffalignStack(app, context(CONTEXT_KEYS.stackName) ?? 'Diffalign', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
