import { Aws, CfnCondition, CfnParameter, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnScalableTarget, CfnScalingPolicy } from 'aws-cdk-lib/aws-applicationautoscaling';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnEndpoint, CfnEndpointConfig, CfnInferenceComponent, CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { EndpointHandlerArchive } from './endpoint-handler-archive.js';
import { acknowledgeWildcardResources } from './wildcard-acknowledgement.js';

/** The variant every endpoint serves (one model per endpoint). */
export const VARIANT_NAME = 'AllTraffic';

/** A container image in ECR, split so the model's role can be granted exactly its repository. */
export interface EndpointImage {
  /** Account of the registry (763104351884: AWS Deep Learning Containers in most regions). */
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

/** What one endpoint runs and how it scales; every value here is the default of a stack parameter. */
export interface InferenceEndpointProps {
  /** Parameter name prefix and role label, e.g. `Generator`. */
  readonly label: string;
  readonly endpointName: string;
  readonly image: EndpointImage;
  /** Container environment besides the Hub model variable. */
  readonly environment: Record<string, string>;
  /**
   * The container variable that names what it serves, as the stack parameter `<Label><parameter>`: the
   * Hugging Face Hub model it loads, or (the scorer) the reward models it serves.
   */
  readonly modelSetting: { readonly parameter: string; readonly variable: string; readonly defaultValue: string; readonly description: string };
  /** The packaged handler (model.tar.gz) the container runs; a `<Label>ModelDataUrl` parameter can replace it. */
  readonly handlerArchive?: EndpointHandlerArchive;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Target of the target-tracking policy: invocations per instance (or per copy) per minute. */
  readonly targetInvocationsPerMinute: number;
  /**
   * Host the model as an inference component on an endpoint with managed instance scaling down to zero
   * instances (the only way SageMaker scales a real-time endpoint to zero); otherwise a plain variant,
   * whose autoscaling floor is one instance.
   */
  readonly scaleToZero: boolean;
  /** GPUs and memory one copy reserves (inference components only). */
  readonly acceleratorsPerCopy: number;
  readonly memoryPerCopyMb: number;
  /** Seconds allowed for downloading the model data and for the container's first health check. */
  readonly startupTimeoutSeconds: number;
}

/**
 * One SageMaker real-time endpoint: its model (image, model data, environment), an endpoint configuration,
 * the endpoint, and target-tracking autoscaling on invocations. With `scaleToZero` the model is an
 * inference component (copies scale between MinCapacity, 0 allowed, and MaxCapacity; instances follow by
 * managed instance scaling), plus the step policy SageMaker needs to scale out from zero copies: an alarm
 * on `NoCapacityInvocationFailures` adds a copy (requests fail until it is up, minutes for a GPU model).
 * The model's role may pull its image, read its model data, write its endpoint's logs and instance metrics,
 * and nothing else: images travel by presigned URLs, so it needs no access to diffalign's bucket.
 */
export class InferenceEndpoint extends Construct {
  readonly endpointName: string;
  readonly endpoint: CfnEndpoint;
  readonly model: CfnModel;
  readonly role: Role;
  readonly scalableTarget: CfnScalableTarget;
  /** Set with `scaleToZero`: the component InvokeEndpoint must name. */
  readonly inferenceComponentName: string | undefined;
  /** ARN of the endpoint, what the functions may invoke. */
  readonly endpointArn: string;
  /** The value of the container's model variable (a stack parameter). */
  readonly modelSetting: string;

  constructor(scope: Construct, id: string, props: InferenceEndpointProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const parameter = (name: string, options: ConstructorParameters<typeof CfnParameter>[2]): CfnParameter => new CfnParameter(stack, `${props.label}${name}`, options);
    const what = `the ${props.label.toLowerCase()} endpoint`;
    const registry = parameter('ImageRegistry', { type: 'String', default: props.image.registry, allowedPattern: '^[0-9]{12}$', description: `ECR registry (account id) of ${what}'s image` }).valueAsString;
    const repository = parameter('ImageRepository', { type: 'String', default: props.image.repository, description: `ECR repository of ${what}'s image (same region as the stack)` }).valueAsString;
    const tag = parameter('ImageTag', { type: 'String', default: props.image.tag, description: `Image tag of ${what}` }).valueAsString;
    this.modelSetting = parameter(props.modelSetting.parameter, { type: 'String', default: props.modelSetting.defaultValue, description: `${props.modelSetting.description} (${props.modelSetting.variable})` }).valueAsString;
    const instanceType = parameter('InstanceType', { type: 'String', default: props.instanceType, allowedPattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$', description: `Instance type of ${what}` }).valueAsString;
    const initialCount = parameter('InitialInstanceCount', { type: 'Number', default: props.initialInstanceCount, minValue: 1, description: `Instances (copies, with scale-to-zero) ${what} starts with` }).valueAsNumber;
    const minCapacity = parameter('MinCapacity', {
      type: 'Number',
      default: props.minCapacity,
      minValue: props.scaleToZero ? 0 : 1,
      description: props.scaleToZero ? `Fewest copies of ${what} (0 scales to zero)` : `Fewest instances of ${what}`,
    }).valueAsNumber;
    const maxCapacity = parameter('MaxCapacity', { type: 'Number', default: props.maxCapacity, minValue: 1, description: `Most instances (copies) of ${what}` }).valueAsNumber;
    const target = parameter('TargetInvocations', { type: 'Number', default: props.targetInvocationsPerMinute, minValue: 1, description: `Invocations per instance (copy) per minute that ${what}'s autoscaling keeps` }).valueAsNumber;

    this.endpointName = props.endpointName;
    this.endpointArn = `arn:${Aws.PARTITION}:sagemaker:${Aws.REGION}:${Aws.ACCOUNT_ID}:endpoint/${props.endpointName}`;
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('sagemaker.amazonaws.com'), description: `SageMaker execution role of ${props.endpointName}` });

    // ECR: the token is account-wide by design; the pulls name the one repository
    const token = new PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    this.role.addToPrincipalPolicy(token);
    acknowledgeWildcardResources(this.role, token, 'ecr:GetAuthorizationToken supports no resource-level permission; the image pulls are limited to one repository.');
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: [`arn:${Aws.PARTITION}:ecr:${Aws.REGION}:${registry}:repository/${repository}`],
      }),
    );
    const logGroup = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/${props.endpointName}`;
    const logs = new PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources: [logGroup, `${logGroup}:*`] });
    this.role.addToPrincipalPolicy(logs);
    acknowledgeWildcardResources(this.role, logs, "The endpoint's log group ARN with :* covers the log streams SageMaker names per instance and container.");
    const metrics = new PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } } });
    this.role.addToPrincipalPolicy(metrics);
    acknowledgeWildcardResources(this.role, metrics, 'cloudwatch:PutMetricData supports no resource-level permission; the condition limits it to the namespace of SageMaker endpoint instance metrics.');

    let modelDataUrl: string | undefined;
    if (props.handlerArchive) {
      const override = parameter('ModelDataUrl', {
        type: 'String',
        default: '',
        allowedPattern: '^(s3://[a-z0-9.-]{3,63}/.+)?$',
        description: `s3:// URL of ${what}'s model.tar.gz; empty: the handler packaged from infra/endpoints/ at synth time`,
      }).valueAsString;
      const packaged = new CfnCondition(this, 'UsePackagedModelData', { expression: Fn.conditionEquals(override, '') });
      Validations.of(stack).acknowledge({
        id: 'CloudFormation-Validate::W1030',
        reason: "A ModelDataUrl parameter's empty default selects the packaged archive through Fn::If; the parameter itself reaches the model only when it is an s3:// URL (its AllowedPattern).",
      });
      modelDataUrl = Token.asString(Fn.conditionIf(packaged.logicalId, props.handlerArchive.s3Url, override));
      const objectArn = Token.asString(Fn.conditionIf(packaged.logicalId, props.handlerArchive.objectArn, Fn.join('', [`arn:${Aws.PARTITION}:s3:::`, Fn.select(1, Fn.split('s3://', override))])));
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objectArn] }));
    }

    this.model = new CfnModel(this, 'Model', {
      executionRoleArn: this.role.roleArn,
      primaryContainer: {
        image: `${registry}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/${repository}:${tag}`,
        ...(modelDataUrl === undefined ? {} : { modelDataUrl }),
        environment: { ...props.environment, [props.modelSetting.variable]: this.modelSetting },
      },
    });
    // the role's policy must exist before SageMaker checks it can pull the image
    this.model.node.addDependency(this.role);

    const startup = { containerStartupHealthCheckTimeoutInSeconds: props.startupTimeoutSeconds, modelDataDownloadTimeoutInSeconds: props.startupTimeoutSeconds };
    const config = new CfnEndpointConfig(this, 'Config', {
      productionVariants: [
        props.scaleToZero
          ? {
              variantName: VARIANT_NAME,
              instanceType,
              initialInstanceCount: initialCount,
              managedInstanceScaling: { status: 'ENABLED', minInstanceCount: 0, maxInstanceCount: maxCapacity },
              routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
            }
          : { variantName: VARIANT_NAME, modelName: this.model.attrModelName, instanceType, initialInstanceCount: initialCount, initialVariantWeight: 1, ...startup },
      ],
      // an endpoint hosting inference components acts with the role of its configuration
      ...(props.scaleToZero ? { executionRoleArn: this.role.roleArn } : {}),
    });
    this.endpoint = new CfnEndpoint(this, 'Endpoint', { endpointName: props.endpointName, endpointConfigName: config.attrEndpointConfigName });

    let resourceId: string;
    let scalableDimension: string;
    let metricType: string;
    if (props.scaleToZero) {
      this.inferenceComponentName = `${props.endpointName}-component`;
      const component = new CfnInferenceComponent(this, 'Component', {
        inferenceComponentName: this.inferenceComponentName,
        endpointName: this.endpoint.attrEndpointName,
        variantName: VARIANT_NAME,
        specification: {
          modelName: this.model.attrModelName,
          computeResourceRequirements: {
            minMemoryRequiredInMb: props.memoryPerCopyMb,
            ...(props.acceleratorsPerCopy > 0 ? { numberOfAcceleratorDevicesRequired: props.acceleratorsPerCopy } : {}),
          },
          startupParameters: startup,
        },
        runtimeConfig: { copyCount: initialCount },
      });
      resourceId = `inference-component/${this.inferenceComponentName}`;
      scalableDimension = 'sagemaker:inference-component:DesiredCopyCount';
      metricType = 'SageMakerInferenceComponentInvocationsPerCopy';
      this.scalableTarget = this.registerTarget(resourceId, scalableDimension, minCapacity, maxCapacity);
      this.scalableTarget.addResourceDependency(component);
      const scaleOutFromZero = new CfnScalingPolicy(this, 'ScaleOutFromZero', {
        policyName: `${props.endpointName}-scale-out-from-zero`,
        policyType: 'StepScaling',
        scalingTargetId: this.scalableTarget.ref,
        stepScalingPolicyConfiguration: {
          adjustmentType: 'ChangeInCapacity',
          metricAggregationType: 'Maximum',
          cooldown: 60,
          stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }],
        },
      });
      new CfnAlarm(this, 'NoCapacityAlarm', {
        alarmDescription: `${props.endpointName} was invoked with no copy running: add one (scale out from zero)`,
        namespace: 'AWS/SageMaker',
        metricName: 'NoCapacityInvocationFailures',
        dimensions: [{ name: 'InferenceComponentName', value: this.inferenceComponentName }],
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [scaleOutFromZero.ref],
      });
    } else {
      this.inferenceComponentName = undefined;
      resourceId = `endpoint/${props.endpointName}/variant/${VARIANT_NAME}`;
      scalableDimension = 'sagemaker:variant:DesiredInstanceCount';
      metricType = 'SageMakerVariantInvocationsPerInstance';
      this.scalableTarget = this.registerTarget(resourceId, scalableDimension, minCapacity, maxCapacity);
      this.scalableTarget.addResourceDependency(this.endpoint);
    }
    new CfnScalingPolicy(this, 'TargetTracking', {
      policyName: `${props.endpointName}-invocations`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: this.scalableTarget.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: target,
        predefinedMetricSpecification: { predefinedMetricType: metricType },
        scaleInCooldown: 600,
        scaleOutCooldown: 60,
      },
    });
  }

  /** Dimensions of the endpoint's invocation metrics (AWS/SageMaker): per variant, or per inference component. */
  get metricDimensions(): Record<string, string> {
    return this.inferenceComponentName === undefined ? { EndpointName: this.endpointName, VariantName: VARIANT_NAME } : { InferenceComponentName: this.inferenceComponentName };
  }

  /** No RoleARN: Application Auto Scaling uses (and creates) its SageMaker service-linked role. */
  private registerTarget(resourceId: string, scalableDimension: string, minCapacity: number, maxCapacity: number): CfnScalableTarget {
    return new CfnScalableTarget(this, 'ScalableTarget', { serviceNamespace: 'sagemaker', resourceId, scalableDimension, minCapacity, maxCapacity });
  }
}
