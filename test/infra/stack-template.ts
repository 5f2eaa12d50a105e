import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { expect } from 'vitest';
import { createDiffalignApp } from '../../infra/create-app.js';
import type { DiffalignStack } from '../../infra/diffalign-stack.js';

/** A synthesized DiffalignStack: the stack, its template, and where the assembly went. */
export interface SynthesizedStack {
  readonly stack: DiffalignStack;
  readonly template: Template;
  readonly json: { readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown>; readonly DependsOn?: unknown }> };
  readonly outdir: string;
}

/**
 * Synthesizes the app as `npm run synth` does (infra/create-app.ts, with cdk-nag registered as a validation
 * plugin, so this throws on any unacknowledged finding), into a fresh directory. CDK's built-in CloudFormation
 * linter is left to `npm run synth`: it takes about 30 s on a loaded 2-core machine and these tests assert
 * the template themselves.
 */
export function synthesize(context: Record<string, string>): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'diffalign-cdk-'));
  const { app, stack } = createDiffalignApp({ outdir, context, cloudFormationValidation: false });
  app.synth();
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() as SynthesizedStack['json'], outdir };
}

/** Logical id of a construct's CloudFormation element. */
export function logicalId(element: CfnElement): string {
  return Stack.of(element).resolve(Stack.of(element).getLogicalId(element)) as string;
}

/**
 * A CloudFormation value as readable text: `${Ref}`, `${Logical.Attribute}`, joins concatenated, and the
 * other intrinsics written as calls (`if(Cond, a, b)`, `select(1, split('s3://', x))`), so a test can
 * compare whole ARNs.
 */
export function cfnText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(cfnText).join(', ')}]`;
  const node = value as Record<string, unknown>;
  if ('Ref' in node) return `\${${String(node.Ref)}}`;
  if ('Fn::GetAtt' in node) return `\${${(node['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in node) {
    const [separator, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(cfnText).join(separator);
  }
  if ('Fn::Sub' in node) return String(node['Fn::Sub']);
  if ('Fn::If' in node) return `if(${(node['Fn::If'] as unknown[]).map(cfnText).join(', ')})`;
  if ('Fn::Select' in node) return `select(${(node['Fn::Select'] as unknown[]).map(cfnText).join(', ')})`;
  if ('Fn::Split' in node) {
    const [separator, source] = node['Fn::Split'] as [string, unknown];
    return `split('${separator}', ${cfnText(source)})`;
  }
  return JSON.stringify(value);
}

/** A policy condition with every value as text (`{ StringEquals: { key: text | text[] } }`). */
export function conditionText(condition: unknown): Record<string, Record<string, string | string[]>> {
  const text: Record<string, Record<string, string | string[]>> = {};
  for (const [operator, keys] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    text[operator] = {};
    for (const [key, value] of Object.entries(keys)) text[operator][key] = Array.isArray(value) ? value.map(cfnText) : cfnText(value);
  }
  return text;
}

/** One statement of an identity policy, as text. */
export interface StatementText {
  /** Logical id of the role the policy is attached to. */
  readonly role: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Record<string, Record<string, string | string[]>>;
}

/** Every statement of every AWS::IAM::Policy and every inline policy of an AWS::IAM::Role in the template. */
export function identityStatements(json: SynthesizedStack['json']): StatementText[] {
  const statements: StatementText[] = [];
  const read = (role: string, document: { Statement: Record<string, unknown>[] }): void => {
    for (const statement of document.Statement) {
      const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(cfnText) : [cfnText(value)]);
      statements.push({
        role,
        effect: String(statement.Effect),
        actions: list(statement.Action),
        resources: list(statement.Resource),
        ...(statement.Condition === undefined ? {} : { condition: conditionText(statement.Condition) }),
      });
    }
  };
  for (const resource of Object.values(json.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy') {
      for (const role of properties.Roles as { Ref: string }[]) read(role.Ref, properties.PolicyDocument as { Statement: Record<string, unknown>[] });
    }
  }
  for (const [id, resource] of Object.entries(json.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    for (const policy of (resource.Properties?.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[] | undefined) ?? []) read(id, policy.PolicyDocument);
  }
  return statements;
}

/** cdk-nag's AwsSolutions findings of error severity that no acknowledgement covers. */
export function unacknowledgedNagErrors(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.filter((violation) => violation.severity === 'error').flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`));
}

/**
 * Asserts the autoscaling of one endpoint (or inference component): a scalable target on `resourceId` whose
 * capacity comes from the `<label>MinCapacity`/`<label>MaxCapacity` parameters, registered without a role
 * (the service-linked one), and a target-tracking policy on it toward `<label>TargetInvocations`. Returns
 * the target's logical id.
 */
export function expectTargetTracking(template: Template, options: { readonly resourceId: string; readonly scalableDimension: string; readonly label: string; readonly metricType: string }): string {
  const targets = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget', { Properties: { ResourceId: options.resourceId } }));
  expect(targets).toHaveLength(1);
  const [targetId, target] = targets[0]!;
  expect(target.Properties).not.toHaveProperty('RoleARN');
  expect(target.Properties).toMatchObject({
    ServiceNamespace: 'sagemaker',
    ScalableDimension: options.scalableDimension,
    MinCapacity: { Ref: `${options.label}MinCapacity` },
    MaxCapacity: { Ref: `${options.label}MaxCapacity` },
  });
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'TargetTrackingScaling',
    ScalingTargetId: { Ref: targetId },
    TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: { Ref: `${options.label}TargetInvocations` }, PredefinedMetricSpecification: { PredefinedMetricType: options.metricType } }),
  });
  return targetId;
}

/** Removes a synthesized assembly (template, bundles, handler archives). */
export function removeSynthesized(synthesized: SynthesizedStack | undefined): void {
  if (synthesized) rmSync(synthesized.outdir, { recursive: true, force: true });
}
