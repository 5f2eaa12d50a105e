import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DiffalignGlueTables } from '../../infra/glue-tables.js';

function template(): Template {
  const stack = new Stack(new App(), 'Tables', { env: { account: '123456789012', region: 'eu-west-1' } });
  new DiffalignGlueTables(stack, 'Glue', { bucketName: 'my-bucket', prefix: 'prod', firstDay: '2026-11-01' });
  return Template.fromStack(stack);
}

describe('DiffalignGlueTables', () => {
  it('projects the feedback partitions from the same Hive layout the API writes', () => {
    template().hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'feedback',
        PartitionKeys: [{ Name: 'tenant', Type: 'string' }, { Name: 'dt', Type: 'string' }, { Name: 'hour', Type: 'string' }],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.tenant.type': 'injected',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2026-11-01,NOW',
          'projection.hour.digits': '2',
          'storage.location.template': 's3://my-bucket/prod/feedback/tenant=${tenant}/dt=${dt}/hour=${hour}/',
        }),
        StorageDescriptor: Match.objectLike({ Location: 's3://my-bucket/prod/feedback/', SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }) }),
      }),
    });
  });

  it('reads generation records by tenant and day, and erasure tombstones by tenant', () => {
    const synthesized = template();
    synthesized.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({ Name: 'generations', Parameters: Match.objectLike({ 'storage.location.template': 's3://my-bucket/prod/generations/${tenant}/${day}/', 'projection.day.format': 'yyyy/MM/dd' }) }),
    });
    synthesized.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({ Name: 'erasures', Parameters: Match.objectLike({ 'storage.location.template': 's3://my-bucket/prod/erasures/tenant=${tenant}/' }) }),
    });
    expect(Object.keys(synthesized.findResources('AWS::Glue::Database'))).toHaveLength(1);
  });
});
