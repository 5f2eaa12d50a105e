import { Stack, Validations } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
// cdk-nag's own flattening, so the finding ids acknowledged here are exactly the ones AwsSolutions-IAM5 reports
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for each resource of `statement` that holds a `*`, on
 * `principal` (the role whose policy holds the statement), with `reason`. Only the statement's own resources
 * are acknowledged, one finding id each, so a wildcard added anywhere else still fails the check.
 */
export function acknowledgeWildcardResources(principal: IConstruct, statement: PolicyStatement, reason: string): void {
  const resolved = Stack.of(principal).resolve(statement.toStatementJson()) as { Resource?: unknown };
  const resources = resolved.Resource === undefined ? [] : Array.isArray(resolved.Resource) ? resolved.Resource : [resolved.Resource];
  for (const resource of resources) {
    const flattened = flattenCfnReference(resource);
    if (flattened.includes('*')) Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
  }
}
