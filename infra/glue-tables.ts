import { Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';

/** Where diffalign's bucket keeps its data, and the first day partition projection should consider. */
export interface DiffalignGlueTablesProps {
  readonly bucketName: string;
  /** `DIFFALIGN_S3_PREFIX` (no leading or trailing slash; '' for none). */
  readonly prefix?: string;
  readonly databaseName?: string;
  /** First `dt` partition projection enumerates (yyyy-MM-dd). */
  readonly firstDay?: string;
}

const JSON_SERDE = 'org.openx.data.jsonserde.JsonSerDe';
const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat';
const HIVE_OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/**
 * Glue database and tables over diffalign's bucket, so Athena runs the harvest's queries at scale:
 * `feedback` (NDJSON in `feedback/tenant=/dt=/hour=` Hive partitions), `generations` (the record documents
 * under `generations/<tenant>/<yyyy>/<mm>/<dd>/<id>/record.json`) and `erasures` (tombstones). Partitions
 * are never crawled or added: partition projection (`projection.*` table parameters) computes them from
 * the query's predicates, with `tenant` injected (every query names its tenant, as the harvest does).
 */
export class DiffalignGlueTables extends Construct {
  readonly databaseName: string;
  readonly feedback: CfnTable;
  readonly generations: CfnTable;
  readonly erasures: CfnTable;

  constructor(scope: Construct, id: string, props: DiffalignGlueTablesProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.databaseName = props.databaseName ?? 'diffalign';
    const root = `s3://${props.bucketName}/${props.prefix ? `${props.prefix}/` : ''}`;
    const firstDay = props.firstDay ?? '2026-01-01';
    const database = new CfnDatabase(this, 'Database', { catalogId: account, databaseInput: { name: this.databaseName, description: 'diffalign generations, feedback and erasures' } });

    const table = (name: string, columns: CfnTable.ColumnProperty[], partitionKeys: CfnTable.ColumnProperty[], location: string, parameters: Record<string, string>): CfnTable => {
      const created = new CfnTable(this, name, {
        catalogId: account,
        databaseName: this.databaseName,
        tableInput: {
          name,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: 'json', 'projection.enabled': 'true', ...parameters },
          partitionKeys,
          storageDescriptor: {
            location,
            inputFormat: TEXT_INPUT,
            outputFormat: HIVE_OUTPUT,
            // the generation folders also hold PNGs: malformed lines read as null rows instead of failing the query
            serdeInfo: { serializationLibrary: JSON_SERDE, parameters: { 'ignore.malformed.json': 'true' } },
            columns,
          },
        },
      });
      created.addResourceDependency(database);
      return created;
    };

    this.feedback = table(
      'feedback',
      [
        { name: 'event_id', type: 'string' },
        { name: 'received_at', type: 'string' },
        { name: 'type', type: 'string' },
        { name: 'generation_id', type: 'string' },
        { name: 'candidate_id', type: 'string' },
        { name: 'candidate_ids', type: 'array<string>' },
        { name: 'choice', type: 'string' },
        { name: 'rating', type: 'int' },
        { name: 'client_event_id', type: 'string' },
        { name: 'app_user', type: 'string' },
        { name: 'consent', type: 'boolean' },
        { name: 'occurred_at', type: 'string' },
      ],
      [
        { name: 'tenant', type: 'string' },
        { name: 'dt', type: 'string' },
        { name: 'hour', type: 'string' },
      ],
      `${root}feedback/`,
      {
        'projection.tenant.type': 'injected',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': `${firstDay},NOW`,
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'projection.hour.type': 'integer',
        'projection.hour.range': '0,23',
        'projection.hour.digits': '2',
        'storage.location.template': `${root}feedback/tenant=\${tenant}/dt=\${dt}/hour=\${hour}/`,
      },
    );

    this.generations = table(
      'generations',
      [
        { name: 'id', type: 'string' },
        { name: 'status', type: 'string' },
        { name: 'prompt', type: 'string' },
        { name: 'final_prompt', type: 'string' },
        { name: 'created_at', type: 'string' },
        { name: 'completed_at', type: 'string' },
        { name: 'metadata', type: 'map<string,string>' },
        {
          name: 'candidates',
          type: 'array<struct<id:string,status:string,prompt:string,noise:struct<terms:array<struct<seed:bigint,weight:double>>>,steps:int,guidance:double,width:int,height:int,phase:string,reward:double,scores:map<string,double>,url:string>>',
        },
      ],
      [
        { name: 'tenant', type: 'string' },
        { name: 'day', type: 'string' },
      ],
      `${root}generations/`,
      {
        'projection.tenant.type': 'injected',
        'projection.day.type': 'date',
        'projection.day.format': 'yyyy/MM/dd',
        'projection.day.range': `${firstDay.replaceAll('-', '/')},NOW`,
        'projection.day.interval': '1',
        'projection.day.interval.unit': 'DAYS',
        'storage.location.template': `${root}generations/\${tenant}/\${day}/`,
      },
    );

    this.erasures = table(
      'erasures',
      [
        { name: 'erasure_id', type: 'string' },
        { name: 'app_user', type: 'string' },
        { name: 'requested_at', type: 'string' },
      ],
      [{ name: 'tenant', type: 'string' }],
      `${root}erasures/`,
      { 'projection.tenant.type': 'injected', 'storage.location.template': `${root}erasures/tenant=\${tenant}/` },
    );
  }
}
