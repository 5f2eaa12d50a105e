import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ACCOUNT_ACTIONS } from '../../infra/storage-bucket.js';
import { cfnText, expectTargetTracking, identityStatements, logicalId, synthesize, type SynthesizedStack, removeSynthesized, unacknowledgedNagErrors } from './stack-template.js';

// One synthesis for the file: every model an inference component that can scale to zero, SSE-KMS, versioning, no key prefix.
let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthesize({ 'diffalign:scaleToZero': 'true', 'diffalign:encryption': 'kms', 'diffalign:versioned': 'true' });
}, 120_000);
afterAll(() => removeSynthesized(synthesized));

const id = (element: unknown): string => logicalId(element as CfnElement);
const LABELS = ['Generator', 'Scorer', 'Promptist', 'Llm'] as const;
const NAMES = { Generator: 'diffalign-generator', Scorer: 'diffalign-scorer', Promptist: 'diffalign-promptist', Llm: 'diffalign-llm' } as const;

describe('DiffalignStack with scaleToZero, SSE-KMS and versioning (infra/diffalign-stack.ts)', () => {
  describe('scale to zero', () => {
    it('hosts each model as an inference component on an endpoint whose managed instance scaling may reach zero instances', () => {
      const { template, stack } = synthesized;
      expect(Object.keys(template.findResources('AWS::SageMaker::InferenceComponent'))).toHaveLength(4);
      for (const endpoint of stack.endpoints.all) {
        const label = endpoint.node.id as (typeof LABELS)[number];
        template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
          ExecutionRoleArn: { 'Fn::GetAtt': [id(endpoint.role.node.defaultChild), 'Arn'] },
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              InstanceType: { Ref: `${label}InstanceType` },
              InitialInstanceCount: { Ref: `${label}InitialInstanceCount` },
              ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: { Ref: `${label}MaxCapacity` } },
              RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
            },
          ],
        });
        template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
          InferenceComponentName: `${NAMES[label]}-component`,
          EndpointName: { 'Fn::GetAtt': [id(endpoint.endpoint), 'EndpointName'] },
          VariantName: 'AllTraffic',
          Specification: Match.objectLike({ ModelName: { 'Fn::GetAtt': [id(endpoint.model), 'ModelName'] }, ComputeResourceRequirements: Match.objectLike({ MinMemoryRequiredInMb: Match.anyValue() }) }),
          RuntimeConfig: { CopyCount: { Ref: `${label}InitialInstanceCount` } },
        });
      }
      // GPU models reserve their GPU; Promptist runs on CPU
      template.hasResourceProperties('AWS::SageMaker::InferenceComponent', { InferenceComponentName: 'diffalign-generator-component', Specification: Match.objectLike({ ComputeResourceRequirements: { MinMemoryRequiredInMb: 8192, NumberOfAcceleratorDevicesRequired: 1 } }) });
      template.hasResourceProperties('AWS::SageMaker::InferenceComponent', { InferenceComponentName: 'diffalign-promptist-component', Specification: Match.objectLike({ ComputeResourceRequirements: { MinMemoryRequiredInMb: 4096 } }) });
    });

    it('scales copies between a MinCapacity that may be 0 and MaxCapacity, by target tracking, and scales out from zero on NoCapacityInvocationFailures', () => {
      const { template, json } = synthesized;
      const parameters = (json as unknown as { Parameters: Record<string, { Default: unknown; MinValue?: number }> }).Parameters;
      const targets = template.findResources('AWS::ApplicationAutoScaling::ScalableTarget');
      expect(Object.keys(targets)).toHaveLength(4);
      for (const label of LABELS) {
        expect(parameters[`${label}MinCapacity`]).toMatchObject({ Default: 0, MinValue: 0 });
        const targetId = expectTargetTracking(template, {
          resourceId: `inference-component/${NAMES[label]}-component`,
          scalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
          label,
          metricType: 'SageMakerInferenceComponentInvocationsPerCopy',
        });
        const steps = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling', ScalingTargetId: { Ref: targetId } } }));
        expect(steps).toHaveLength(1);
        expect(steps[0]![1].Properties.StepScalingPolicyConfiguration).toEqual({ AdjustmentType: 'ChangeInCapacity', MetricAggregationType: 'Maximum', Cooldown: 60, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] });
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SageMaker',
          MetricName: 'NoCapacityInvocationFailures',
          Dimensions: [{ Name: 'InferenceComponentName', Value: `${NAMES[label]}-component` }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: steps[0]![0] }],
        });
      }
    });

    it('tells the functions which inference component to invoke, and watches the components’ own metrics', () => {
      const { template } = synthesized;
      const components = {
        DIFFALIGN_SM_GENERATOR_INFERENCE_COMPONENT: 'diffalign-generator-component',
        DIFFALIGN_SM_SCORER_INFERENCE_COMPONENT: 'diffalign-scorer-component',
        DIFFALIGN_SM_PROMPTIST_INFERENCE_COMPONENT: 'diffalign-promptist-component',
        DIFFALIGN_SM_LLM_INFERENCE_COMPONENT: 'diffalign-llm-component',
      };
      for (const handler of ['index.handler', 'index.worker']) {
        template.hasResourceProperties('AWS::Lambda::Function', { Handler: handler, Environment: { Variables: Match.objectLike({ ...components, DIFFALIGN_S3_PREFIX: '' }) } });
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', Dimensions: [{ Name: 'InferenceComponentName', Value: 'diffalign-llm-component' }] });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Invocation5XXErrors', Dimensions: [{ Name: 'InferenceComponentName', Value: 'diffalign-scorer-component' }] });
    });
  });

  describe('SSE-KMS', () => {
    it('encrypts the bucket with a rotated customer managed key (bucket key on) and keeps versions, expiring noncurrent ones', () => {
      const { template, stack } = synthesized;
      const key = id(stack.storage.key!.node.defaultChild);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } }, BucketKeyEnabled: true }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: Match.arrayWith([{ Id: 'clean-up', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, ExpiredObjectDeleteMarker: true }]) },
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    });

    it('names every action of the key policy (no kms:*), and lets CloudWatch encrypt alarm notifications', () => {
      const { template } = synthesized;
      const keys = Object.values(template.findResources('AWS::KMS::Key'));
      expect(keys).toHaveLength(1);
      const statements = (keys[0]!.Properties.KeyPolicy as { Statement: { Effect: string; Principal: unknown; Action: string | string[]; Resource: string }[] }).Statement;
      expect(statements).toHaveLength(2);
      expect(statements[0]).toMatchObject({ Effect: 'Allow', Resource: '*' });
      expect(cfnText((statements[0]!.Principal as { AWS: unknown }).AWS)).toBe('arn:${AWS::Partition}:iam::${AWS::AccountId}:root');
      expect([...statements[0]!.Action].sort()).toEqual([...KEY_ACCOUNT_ACTIONS].sort());
      expect(statements[1]).toEqual({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' });
      for (const statement of statements) for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
    });

    it('lets the functions use the key only through S3 in the stack region, and touch only the app prefixes at the bucket root', () => {
      const { json, stack } = synthesized;
      const bucketArn = `\${${id(stack.storage.bucket.node.defaultChild)}.Arn}`;
      for (const role of [stack.api.api.role, stack.jobs.worker.role]) {
        const statements = identityStatements(json).filter((statement) => statement.role === id(role.node.defaultChild));
        expect(statements).toContainEqual({
          role: id(role.node.defaultChild),
          effect: 'Allow',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [`\${${id(stack.storage.key!.node.defaultChild)}.Arn}`],
          condition: { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.${AWS::URLSuffix}' } },
        });
        expect(statements.flatMap((statement) => statement.resources).filter((resource) => resource.startsWith(bucketArn)).sort()).toEqual(
          [bucketArn, ...['generations/', 'feedback/', 'erasures/', 'idempotency/', 'instances/', 'keys/', '.probe-'].map((prefix) => `${bucketArn}/${prefix}*`)].sort(),
        );
      }
      for (const statement of identityStatements(json)) for (const action of statement.actions) expect(action).not.toContain('*');
    });
  });

  it('passes cdk-nag with no unacknowledged AwsSolutions error', () => {
    expect(unacknowledgedNagErrors(synthesized.stack)).toEqual([]);
  });
});
