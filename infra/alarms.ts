import { Aws, CfnCondition, CfnParameter, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function.js';
import type { InferenceEndpoint } from './inference-endpoint.js';

/** What the alarms watch. */
export interface DiffalignAlarmsProps {
  readonly functions: readonly { readonly name: string; readonly appFunction: AppFunction; readonly timeout: Duration }[];
  readonly deadLetters: Queue;
  /** Per endpoint, the p99 model latency (ms) above which it alarms. */
  readonly endpoints: readonly { readonly endpoint: InferenceEndpoint; readonly latencyAlarmMs: number }[];
  /** The bucket's customer managed key, if any: the topic is then encrypted with it. */
  readonly key?: Key;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * CloudWatch alarms, each notifying an SNS topic (TLS only; an `AlarmEmail` parameter subscribes an address):
 * per function Errors and Throttles (any in 5 minutes) and Duration p99 above 90 % of its timeout; the job
 * dead-letter queue holding a message; per endpoint Invocation5XXErrors (any in 5 minutes) and ModelLatency
 * p99 above its threshold. Missing data (no traffic) is not breaching. `alarms` lists them for tests.
 */
export class DiffalignAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: DiffalignAlarmsProps) {
    super(scope, id);
    const email = new CfnParameter(Stack.of(this), 'AlarmEmail', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      description: 'Email address subscribed to the alarm topic (empty: none; confirm the subscription from the mail AWS sends)',
    }).valueAsString;
    this.topic = new Topic(this, 'Topic', { displayName: 'diffalign alarms', enforceSSL: true, ...(props.key ? { masterKey: props.key } : {}) });
    if (props.key) {
      // CloudWatch publishes to an encrypted topic only when the key lets it
      props.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    } else {
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'Alarm notifications carry alarm names and states only. CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; deploy with encryption=kms to encrypt it with the stack key.',
      });
    }
    // the topic policy replaces SNS's default one, so it must let this account's alarms publish
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` } },
      }),
    );
    const subscribe = new CfnCondition(this, 'HasAlarmEmail', { expression: Fn.conditionNot(Fn.conditionEquals(email, '')) });
    const subscription = new CfnSubscription(this, 'Email', { topicArn: this.topic.topicArn, protocol: 'email', endpoint: email });
    subscription.cfnOptions.condition = subscribe;

    const action = new SnsAction(this.topic);
    const add = (alarmId: string, metric: Metric, threshold: number, description: string): void => {
      const alarm = metric.createAlarm(this, alarmId, {
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    for (const { name, appFunction, timeout } of props.functions) {
      const fn = appFunction.function;
      add(`${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, `${name} function: invocations that failed`);
      add(`${name}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), 1, `${name} function: throttled invocations (reserved or account concurrency reached)`);
      add(`${name}Duration`, fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }), Math.round(timeout.toMilliseconds() * 0.9), `${name} function: p99 duration above 90% of its ${timeout.toSeconds()} s timeout`);
    }
    add(
      'JobDeadLetters',
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      1,
      'respond-async jobs that failed after their retries (or waited too long) are in the dead-letter queue',
    );
    for (const { endpoint, latencyAlarmMs } of props.endpoints) {
      const metric = (metricName: string, statistic: string): Metric => new Metric({ namespace: 'AWS/SageMaker', metricName, dimensionsMap: endpoint.metricDimensions, period: FIVE_MINUTES, statistic });
      const label = endpoint.node.id;
      add(`${label}Invocation5XXErrors`, metric('Invocation5XXErrors', 'Sum'), 1, `${endpoint.endpointName}: invocations answered with a 5xx`);
      // ModelLatency is reported in microseconds
      add(`${label}ModelLatency`, metric('ModelLatency', 'p99'), latencyAlarmMs * 1000, `${endpoint.endpointName}: p99 model latency above ${latencyAlarmMs} ms`);
    }
  }
}
