import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_KEY_PREFIXES } from '../../infra/app-key-prefixes.js';
import { LAMBDA_EXCLUDED_MODULES } from '../../infra/app-function.js';
import { bundleRuntime, DEPLOYED_BUNDLE_OVERRIDES } from '../../src/runtime/runtime-bundles.js';
import { createDiffalignApp } from '../../infra/create-app.js';
import { cfnText, expectTargetTracking, identityStatements, logicalId, type StatementText, synthesize, type SynthesizedStack, removeSynthesized, unacknowledgedNagErrors } from './stack-template.js';

// One synthesis for the whole file, as `npm run synth` does it (cdk-nag registered): the default stack with a key prefix.
let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthesize({ 'diffalign:prefix': 'prod' });
}, 120_000);
afterAll(() => removeSynthesized(synthesized));

const id = (element: unknown): string => logicalId(element as CfnElement);
const sortStatements = (statements: readonly StatementText[]): StatementText[] =>
  [...statements].map((statement) => ({ ...statement, actions: [...statement.actions].sort(), resources: [...statement.resources].sort() })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('DiffalignStack (infra/diffalign-stack.ts)', () => {
  describe('the bucket', () => {
    it('is encrypted (SSE-S3), blocks every public access, enforces bucket-owner object ownership and logs access to its own log bucket', () => {
      const { template, stack } = synthesized;
      const logs = id(stack.storage.node.findChild('AccessLogs').node.defaultChild);
      template.hasResource('AWS::S3::Bucket', {
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'access-logs/' },
          VersioningConfiguration: Match.absent(),
        },
        DeletionPolicy: 'Retain',
      });
      // the log bucket is locked down the same way
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: Match.absent(),
      });
      expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toHaveLength(2);
    });

    it('refuses every request without TLS, or with TLS older than 1.2, on both buckets and all their objects', () => {
      const { template, json } = synthesized;
      const buckets = Object.keys(template.findResources('AWS::S3::Bucket'));
      for (const bucket of buckets) {
        const arn = { 'Fn::GetAtt': [bucket, 'Arn'] };
        const objects = { 'Fn::Join': ['', [arn, '/*']] };
        template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: bucket },
          PolicyDocument: {
            Statement: Match.arrayWith([
              { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: [arn, objects] },
              { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } }, Resource: [arn, objects] },
            ]),
          },
        });
      }
      // the only Allow in any bucket policy: S3 log delivery writing into the log bucket's access-logs/
      const allows = Object.values(json.Resources)
        .filter((resource) => resource.Type === 'AWS::S3::BucketPolicy')
        .flatMap((resource) => (resource.Properties!.PolicyDocument as { Statement: { Effect: string; Principal: unknown; Action: unknown; Resource: unknown }[] }).Statement)
        .filter((statement) => statement.Effect === 'Allow');
      expect(allows.map((statement) => [statement.Principal, statement.Action, cfnText(statement.Resource)])).toEqual([
        [{ Service: 'logging.s3.amazonaws.com' }, 's3:PutObject', `\${${id(synthesized.stack.storage.node.findChild('AccessLogs').node.defaultChild)}.Arn}/access-logs/*`],
      ]);
    });

    it('expires generations (records and candidate images together), exports, idempotency claims and liveness documents, and tiers feedback, all under the prefix', () => {
      synthesized.template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [
            { Id: 'expire-generations', Prefix: 'prod/generations/', ExpirationInDays: { Ref: 'GenerationRetentionDays' }, Status: 'Enabled' },
            {
              Id: 'tier-feedback',
              Prefix: 'prod/feedback/',
              Status: 'Enabled',
              Transitions: [
                { StorageClass: 'STANDARD_IA', TransitionInDays: { Ref: 'FeedbackInfrequentAccessDays' } },
                { StorageClass: 'GLACIER_IR', TransitionInDays: { Ref: 'FeedbackGlacierDays' } },
              ],
            },
            { Id: 'expire-exports', Prefix: 'prod/exports/', ExpirationInDays: { Ref: 'ExportRetentionDays' }, Status: 'Enabled' },
            { Id: 'expire-idempotency', Prefix: 'prod/idempotency/', ExpirationInDays: 2, Status: 'Enabled' },
            { Id: 'expire-instances', Prefix: 'prod/instances/', ExpirationInDays: 1, Status: 'Enabled' },
            { Id: 'clean-up', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
          ],
        },
      });
      const parameters = synthesized.json as unknown as { Parameters: Record<string, { Default: unknown; MinValue?: number }> };
      expect(parameters.Parameters.GenerationRetentionDays!.Default).toBe(180);
      expect(parameters.Parameters.FeedbackInfrequentAccessDays!.MinValue).toBe(30);
    });
  });

  describe('the functions', () => {
    it('serves the API through a function URL in RESPONSE_STREAM mode, auth NONE (the app checks API keys), open to invocation only through that URL', () => {
      const { template, stack } = synthesized;
      const api = id(stack.api.api.function.node.defaultChild);
      template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM', TargetFunctionArn: { 'Fn::GetAtt': [api, 'Arn'] } });
      expect(Object.keys(template.findResources('AWS::Lambda::Url'))).toHaveLength(1);
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((resource) => resource.Properties);
      expect(permissions).toEqual(
        expect.arrayContaining([
          { Action: 'lambda:InvokeFunctionUrl', FunctionName: { 'Fn::GetAtt': [api, 'Arn'] }, FunctionUrlAuthType: 'NONE', Principal: '*' },
          { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [api, 'Arn'] }, InvokedViaFunctionUrl: true, Principal: '*' },
        ]),
      );
      expect(permissions).toHaveLength(2);
    });

    it('runs both functions on Node 22, arm64, from one bundle of src/runtime/lambda.ts: `handler` for the API, `worker` for jobs', () => {
      const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function')).map((resource) => resource.Properties as Record<string, unknown>);
      expect(functions.map((fn) => [fn.Handler, fn.Runtime, fn.Architectures]).sort()).toEqual([
        ['index.handler', 'nodejs22.x', ['arm64']],
        ['index.worker', 'nodejs22.x', ['arm64']],
      ]);
      const code = functions.map((fn) => (fn.Code as { S3Key: string }).S3Key);
      expect(new Set(code).size).toBe(1);
    });

    it('deploys the Lambda bundle npm run bundle builds, file for file (ESM entry exporting `handler` and `worker`, its chunks, source maps), with no sharp, piscina or DuckDB in it', async () => {
      const assets = readdirSync(synthesized.outdir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name.startsWith('asset.') && readdirSync(join(synthesized.outdir, entry.name)).includes('index.mjs'))
        .map((entry) => entry.name);
      expect(assets).toHaveLength(1);
      const asset = join(synthesized.outdir, assets[0]!);
      const built = await bundleRuntime('lambda', { ...DEPLOYED_BUNDLE_OVERRIDES, outdir: asset });
      const deployed = readdirSync(asset, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => relative(asset, join(entry.parentPath, entry.name)).split(sep).join('/'));
      expect(deployed.sort()).toEqual(built.files.map((file) => file.path).sort());
      expect(built.files.filter((file) => file.path.endsWith('.mjs')).length).toBeGreaterThan(1);
      for (const file of built.files.filter((file) => file.path.endsWith('.mjs'))) expect(readFileSync(join(asset, file.path), 'utf8')).toBe(file.text);
      const sources = built.files.filter((file) => file.path.endsWith('.map')).flatMap((file) => (JSON.parse(readFileSync(join(asset, file.path), 'utf8')) as { sources: string[] }).sources);
      expect(sources.some((source) => source.includes('src/runtime/lambda.ts'))).toBe(true);
      for (const excluded of LAMBDA_EXCLUDED_MODULES) expect(sources.filter((source) => source.includes(`node_modules/${excluded}/`))).toEqual([]);
      // an external module leaves its import in the bundle: none means no bundled module (the image-rendering reference world included) needs it
      for (const file of built.files.filter((file) => file.path.endsWith('.mjs'))) {
        for (const excluded of LAMBDA_EXCLUDED_MODULES) expect(file.text).not.toMatch(new RegExp(`(from|import|require\\()\\s*["']${excluded.replace('/', '\\/')}["']`));
      }
      const bundle = readFileSync(join(asset, 'index.mjs'), 'utf8');
      const exported = /export\{([^}]*)\};?\s*(\/\/# sourceMappingURL=index\.mjs\.map\s*)?$/.exec(bundle)?.[1]?.split(',').map((name) => name.split(' as ').pop()!.trim());
      expect(exported?.sort()).toEqual(['handler', 'worker']);
    }, 60_000);

    it('configures both functions for S3 under the prefix and the four SageMaker endpoints, with auth required; the API alone names the worker', () => {
      const { template, stack } = synthesized;
      const bucket = id(stack.storage.bucket.node.defaultChild);
      const shared = {
        DIFFALIGN_STORAGE: 's3',
        DIFFALIGN_S3_BUCKET: { Ref: bucket },
        DIFFALIGN_S3_PREFIX: 'prod/',
        DIFFALIGN_S3_PRESIGN_SECONDS: '900',
        DIFFALIGN_BACKEND: 'sagemaker',
        DIFFALIGN_SM_GENERATOR_ENDPOINT: 'diffalign-generator',
        DIFFALIGN_SM_SCORER_ENDPOINT: 'diffalign-scorer',
        DIFFALIGN_SM_SCORERS: { Ref: 'ScorerModels' },
        DIFFALIGN_SM_PROMPTIST_ENDPOINT: 'diffalign-promptist',
        DIFFALIGN_SM_LLM_ENDPOINT: 'diffalign-llm',
        DIFFALIGN_AUTH: 'required',
        // the Lambda bundle has no playground page
        DIFFALIGN_PLAYGROUND: 'off',
        NODE_OPTIONS: '--enable-source-maps',
        // 1 h of event age, then a first run and two retries of a 15-minute worker
        DIFFALIGN_JOB_MAX_WAIT_SECONDS: '6300',
      };
      const worker = id(stack.jobs.worker.function.node.defaultChild);
      template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Environment: { Variables: Match.objectLike({ ...shared, DIFFALIGN_JOB_FUNCTION: { Ref: worker } }) } });
      template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.worker', Environment: { Variables: Match.objectLike({ ...shared, DIFFALIGN_JOB_FUNCTION: Match.absent() }) } });
      template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 360, ReservedConcurrentExecutions: { 'Fn::If': ['ApiReservedConcurrencyIsUnset', { Ref: 'AWS::NoValue' }, { Ref: 'ApiReservedConcurrency' }] } });
    });

    it('hands failed async jobs, after the parameterised retries, to an encrypted TLS-only dead-letter queue', () => {
      const { template, stack } = synthesized;
      const queue = id(stack.jobs.deadLetters.node.defaultChild);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id(stack.jobs.worker.function.node.defaultChild) },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: { Ref: 'WorkerRetryAttempts' },
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: { 'Fn::GetAtt': [queue, 'Arn'] } }] },
      });
    });
  });

  describe('IAM', () => {
    it('grants every role exactly these statements, and nothing else', () => {
      const { json, stack } = synthesized;
      const bucketArn = `\${${id(stack.storage.bucket.node.defaultChild)}.Arn}`;
      const endpointArn = (name: string): string => `arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:endpoint/${name}`;
      const invokeEndpoints = { effect: 'Allow', actions: ['sagemaker:InvokeEndpoint'], resources: ['diffalign-generator', 'diffalign-scorer', 'diffalign-promptist', 'diffalign-llm'].map(endpointArn) };
      const objects = (prefixes: string[]): string[] => prefixes.map((prefix) => `${bucketArn}/prod/${prefix}*`);
      const bucketAccess: Omit<StatementText, 'role'>[] = [
        { effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: objects(['generations/', 'idempotency/', '.probe-']) },
        { effect: 'Allow', actions: ['s3:GetObject', 's3:PutObject'], resources: objects(['feedback/', 'erasures/', 'instances/']) },
        { effect: 'Allow', actions: ['s3:GetObject'], resources: objects(['keys/']) },
        {
          effect: 'Allow',
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          condition: { StringLike: { 's3:prefix': ['generations/', 'feedback/', 'erasures/', 'idempotency/', 'instances/', 'keys/'].map((prefix) => `prod/${prefix}*`) } },
        },
      ];
      const logsOf = (appFunction: typeof stack.api.api): Omit<StatementText, 'role'> => ({ effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`\${${id(appFunction.logGroup.node.defaultChild)}.Arn}`] });
      const worker = stack.jobs.worker;
      const expected: Record<string, Omit<StatementText, 'role'>[]> = {
        [id(stack.api.api.role.node.defaultChild)]: [
          logsOf(stack.api.api),
          { effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [`\${${id(worker.function.node.defaultChild)}.Arn}`] },
          ...bucketAccess,
          invokeEndpoints,
        ],
        [id(worker.role.node.defaultChild)]: [
          logsOf(worker),
          { effect: 'Allow', actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [`\${${id(stack.jobs.deadLetters.node.defaultChild)}.Arn}`] },
          ...bucketAccess,
          invokeEndpoints,
        ],
      };
      for (const endpoint of stack.endpoints.all) {
        const label = endpoint.node.id;
        const logGroup = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/sagemaker/Endpoints/${endpoint.endpointName}`;
        const statements: Omit<StatementText, 'role'>[] = [
          { effect: 'Allow', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
          { effect: 'Allow', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [`arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${${label}ImageRegistry}:repository/\${${label}ImageRepository}`] },
          { effect: 'Allow', actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources: [logGroup, `${logGroup}:*`] },
          { effect: 'Allow', actions: ['cloudwatch:PutMetricData'], resources: ['*'], condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } } },
        ];
        if (label === 'Generator' || label === 'Scorer') {
          const archive = stack.endpoints.node.findChild(`${label}Handler`).node.findChild('Asset') as unknown as { s3ObjectKey: string };
          const key = stack.resolve(archive.s3ObjectKey) as string;
          statements.push({
            effect: 'Allow',
            actions: ['s3:GetObject'],
            resources: [
              `if(${id(endpoint.node.findChild('UsePackagedModelData') as CfnElement)}, arn:\${AWS::Partition}:s3:::cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${key}, arn:\${AWS::Partition}:s3:::select(1, split('s3://', \${${label}ModelDataUrl})))`,
            ],
          });
        }
        expected[id(endpoint.role.node.defaultChild)] = statements;
      }

      const actual = identityStatements(json);
      const byRole = new Map<string, StatementText[]>();
      for (const statement of actual) byRole.set(statement.role, [...(byRole.get(statement.role) ?? []), statement]);
      expect([...byRole.keys()].sort()).toEqual(Object.keys(expected).sort());
      for (const [role, statements] of Object.entries(expected)) {
        expect(sortStatements(byRole.get(role) ?? []), role).toEqual(sortStatements(statements.map((statement) => ({ role, ...statement }))));
      }
    });

    it('has no wildcard action, and a `*` resource only where the action supports no narrower one', () => {
      const statements = identityStatements(synthesized.json);
      expect(statements.length).toBeGreaterThan(30);
      for (const statement of statements) {
        expect(statement.effect).toBe('Allow');
        for (const action of statement.actions) expect(action, JSON.stringify(statement)).not.toContain('*');
        if (statement.resources.includes('*')) {
          // ecr:GetAuthorizationToken has no resource-level permission; PutMetricData neither, so it is pinned to a namespace
          expect([['ecr:GetAuthorizationToken'], ['cloudwatch:PutMetricData']]).toContainEqual(statement.actions);
          if (statement.actions[0] === 'cloudwatch:PutMetricData') expect(statement.condition).toEqual({ StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } });
        }
      }
    });

    it('attaches no managed policy; functions are assumed by Lambda, models by SageMaker', () => {
      const roles = Object.values(synthesized.template.findResources('AWS::IAM::Role')).map((resource) => resource.Properties as Record<string, unknown>);
      expect(roles).toHaveLength(6);
      for (const role of roles) expect(role.ManagedPolicyArns).toBeUndefined();
      const services = roles.map((role) => ((role.AssumeRolePolicyDocument as { Statement: { Principal: { Service: string } }[] }).Statement[0]!.Principal.Service)).sort();
      expect(services).toEqual(['lambda.amazonaws.com', 'lambda.amazonaws.com', 'sagemaker.amazonaws.com', 'sagemaker.amazonaws.com', 'sagemaker.amazonaws.com', 'sagemaker.amazonaws.com']);
    });

    it('lists in APP_KEY_PREFIXES every prefix the policies name (the map the README documents)', () => {
      expect(APP_KEY_PREFIXES.map((entry) => entry.prefix)).toEqual(['generations/', 'feedback/', 'erasures/', 'idempotency/', 'instances/', 'keys/', '.probe-']);
    });
  });

  describe('SageMaker', () => {
    it('creates a model, an endpoint configuration and a named endpoint for generator, scorer, Promptist and the LLM, with parameterised images and instances', () => {
      const { template } = synthesized;
      for (const [label, name] of [['Generator', 'diffalign-generator'], ['Scorer', 'diffalign-scorer'], ['Promptist', 'diffalign-promptist'], ['Llm', 'diffalign-llm']] as const) {
        template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: name });
        template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
          ProductionVariants: [Match.objectLike({ VariantName: 'AllTraffic', InstanceType: { Ref: `${label}InstanceType` }, InitialInstanceCount: { Ref: `${label}InitialInstanceCount` } })],
        });
        template.hasResourceProperties('AWS::SageMaker::Model', {
          PrimaryContainer: Match.objectLike({ Image: { 'Fn::Join': ['', Match.arrayWith([{ Ref: `${label}ImageRegistry` }, { Ref: `${label}ImageRepository` }, { Ref: `${label}ImageTag` }])] } }),
        });
      }
      expect(Object.keys(template.findResources('AWS::SageMaker::Model'))).toHaveLength(4);
      expect(Object.keys(template.findResources('AWS::SageMaker::InferenceComponent'))).toHaveLength(0);
      const parameters = (synthesized.json as unknown as { Parameters: Record<string, { Default: unknown }> }).Parameters;
      expect([parameters.GeneratorInstanceType!.Default, parameters.ScorerInstanceType!.Default, parameters.PromptistInstanceType!.Default, parameters.LlmInstanceType!.Default]).toEqual(['ml.g5.xlarge', 'ml.g5.xlarge', 'ml.m5.xlarge', 'ml.g5.2xlarge']);
      expect(parameters.GeneratorImageRepository!.Default).toBe('huggingface-pytorch-inference');
      expect(parameters.LlmImageRepository!.Default).toBe('djl-inference');
    });

    it('runs the packaged infra/endpoints handlers on the generator and scorer, unless a ModelDataUrl parameter names another archive', () => {
      const { template, stack } = synthesized;
      for (const label of ['Generator', 'Scorer'] as const) {
        const condition = id(stack.endpoints.node.findChild(label).node.findChild('UsePackagedModelData') as CfnElement);
        template.hasResourceProperties('AWS::SageMaker::Model', {
          PrimaryContainer: Match.objectLike({ ModelDataUrl: { 'Fn::If': [condition, Match.anyValue(), { Ref: `${label}ModelDataUrl` }] } }),
        });
      }
      template.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Environment: { DIFFALIGN_GENERATOR_MODEL: { Ref: 'GeneratorHubModel' }, SAGEMAKER_MODEL_SERVER_WORKERS: '1' } }) });
      template.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Environment: { DIFFALIGN_SCORER_MODELS: { Ref: 'ScorerModels' }, SAGEMAKER_MODEL_SERVER_WORKERS: '1' } }) });
      template.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { Image: Match.anyValue(), Environment: { HF_TASK: 'text-generation', HF_MODEL_ID: { Ref: 'PromptistHubModel' } } } });
      const archives = readdirSync(synthesized.outdir).filter((name) => name.endsWith('.tar.gz'));
      expect(archives).toHaveLength(2);
    });

    it('registers a target-tracking scalable target on every endpoint variant (SageMakerVariantInvocationsPerInstance)', () => {
      const { template } = synthesized;
      const targets = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
      expect(targets.map(([, target]) => (target.Properties as { ResourceId: string }).ResourceId).sort()).toEqual(
        ['diffalign-generator', 'diffalign-llm', 'diffalign-promptist', 'diffalign-scorer'].map((name) => `endpoint/${name}/variant/AllTraffic`),
      );
      for (const [label, name] of [['Generator', 'diffalign-generator'], ['Scorer', 'diffalign-scorer'], ['Promptist', 'diffalign-promptist'], ['Llm', 'diffalign-llm']] as const) {
        expectTargetTracking(template, { resourceId: `endpoint/${name}/variant/AllTraffic`, scalableDimension: 'sagemaker:variant:DesiredInstanceCount', label, metricType: 'SageMakerVariantInvocationsPerInstance' });
      }
      const parameters = (synthesized.json as unknown as { Parameters: Record<string, { MinValue?: number; Default: unknown }> }).Parameters;
      expect(parameters.GeneratorMinCapacity).toMatchObject({ Default: 1, MinValue: 1 });
    });
  });

  describe('Glue and alarms', () => {
    it('defines the Glue tables over the bucket and prefix', () => {
      const bucket = id(synthesized.stack.storage.bucket.node.defaultChild);
      synthesized.template.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({ Name: 'feedback', StorageDescriptor: Match.objectLike({ Location: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/prod/feedback/']] } }) }),
      });
    });

    it('alarms on function errors, throttles and p99 duration, on dead letters, and on endpoint 5xx and p99 model latency, all notifying the topic', () => {
      const { template, stack } = synthesized;
      const topic = { Ref: id(stack.alarms.topic.node.defaultChild) };
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((resource) => resource.Properties as Record<string, unknown>);
      const summary = alarms.map((alarm) => `${String(alarm.Namespace)} ${String(alarm.MetricName)} ${String(alarm.ExtendedStatistic ?? alarm.Statistic)} >= ${String(alarm.Threshold)}`).sort();
      expect(summary).toEqual(
        [
          'AWS/Lambda Errors Sum >= 1',
          'AWS/Lambda Errors Sum >= 1',
          'AWS/Lambda Throttles Sum >= 1',
          'AWS/Lambda Throttles Sum >= 1',
          'AWS/Lambda Duration p99 >= 324000',
          'AWS/Lambda Duration p99 >= 810000',
          'AWS/SQS ApproximateNumberOfMessagesVisible Maximum >= 1',
          'AWS/SageMaker Invocation5XXErrors Sum >= 1',
          'AWS/SageMaker Invocation5XXErrors Sum >= 1',
          'AWS/SageMaker Invocation5XXErrors Sum >= 1',
          'AWS/SageMaker Invocation5XXErrors Sum >= 1',
          'AWS/SageMaker ModelLatency p99 >= 50000000',
          'AWS/SageMaker ModelLatency p99 >= 20000000',
          'AWS/SageMaker ModelLatency p99 >= 10000000',
          'AWS/SageMaker ModelLatency p99 >= 45000000',
        ].sort(),
      );
      for (const alarm of alarms) {
        expect(alarm.AlarmActions).toEqual([topic]);
        expect(alarm.TreatMissingData).toBe('notBreaching');
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', Dimensions: [{ Name: 'EndpointName', Value: 'diffalign-generator' }, { Name: 'VariantName', Value: 'AllTraffic' }] });
      template.hasResource('AWS::SNS::Subscription', { Properties: { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } }, Condition: Match.anyValue() });
    });
  });

  describe('cdk-nag', () => {
    it('reports no unacknowledged AwsSolutions error, and synthesis reported no CDK error', () => {
      expect(unacknowledgedNagErrors(synthesized.stack)).toEqual([]);
      expect(Annotations.fromStack(synthesized.stack).findError('*', Match.anyValue())).toEqual([]);
    });

    it('still fails the check for a wildcard nobody acknowledged', () => {
      // Prepare: a second app (bundles come from the process cache), with one statement too many
      const outdir = mkdtempSync(join(tmpdir(), 'diffalign-cdk-'));
      const { stack } = createDiffalignApp({ outdir, context: { 'diffalign:prefix': 'prod' }, cloudFormationValidation: false });
      stack.api.api.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [stack.storage.bucket.arnForObjects('*')] }));
      // Act
      const errors = unacknowledgedNagErrors(stack);
      rmSync(outdir, { recursive: true, force: true });
      // Assess
      expect(errors).toEqual([`AwsSolutions-IAM5[Resource::<${id(stack.storage.bucket.node.defaultChild)}.Arn>/*] at Diffalign/Http/Api/Role/DefaultPolicy/Resource`]);
    });
  });
});
