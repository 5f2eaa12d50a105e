import { Aws, CfnParameter, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IGrantable, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type LifecycleRule, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { APP_KEY_PREFIXES } from './app-key-prefixes.js';
import { acknowledgeWildcardResources } from './wildcard-acknowledgement.js';

/** How the bucket encrypts at rest. */
export type BucketEncryptionChoice = 's3-managed' | 'kms';

/** Options of diffalign's bucket. */
export interface StorageBucketProps {
  /** `DIFFALIGN_S3_PREFIX` without slashes at either end ('' for the bucket root). */
  readonly prefix: string;
  /** SSE-S3 (default) or SSE-KMS with a customer managed key this construct creates (rotation on). */
  readonly encryption?: BucketEncryptionChoice;
  /** Object versioning (default off); noncurrent versions then expire after `noncurrentVersionDays`. */
  readonly versioned?: boolean;
  readonly noncurrentVersionDays?: number;
  /** The API's `DIFFALIGN_IDEMPOTENCY_TTL_SECONDS`: idempotency documents expire a day after it (default 86400). */
  readonly idempotencyTtlSeconds?: number;
}

/**
 * The bucket every generation, image, feedback batch, erasure, idempotency claim and API key lives in:
 * encrypted (SSE-S3, or SSE-KMS with its own key), TLS only (1.2 or newer), every public access blocked,
 * bucket-owner-enforced object ownership, server access logs in a second bucket, and lifecycle rules per
 * prefix. S3 lifecycle filters match prefixes and tags, not suffixes, and the app tags nothing, so
 * candidate images are expired with their generation folder: everything under `generations/` (records and
 * images alike) expires after `GenerationRetentionDays` — harvest what you want to train on before then.
 */
export class StorageBucket extends Construct {
  readonly bucket: Bucket;
  /** The customer managed key with `encryption: 'kms'`. */
  readonly key: Key | undefined;
  /** `DIFFALIGN_S3_PREFIX` as the app reads it: '' or ending in `/`. */
  readonly keyPrefix: string;

  constructor(scope: Construct, id: string, props: StorageBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.keyPrefix = props.prefix === '' ? '' : `${props.prefix}/`;
    const days = (name: string, defaultDays: number, description: string, minValue = 1): number =>
      new CfnParameter(stack, name, { type: 'Number', default: defaultDays, minValue, description }).valueAsNumber;
    const generationDays = days('GenerationRetentionDays', 180, 'Days after which everything under generations/ (records and candidate images) expires');
    const feedbackIaDays = days('FeedbackInfrequentAccessDays', 30, 'Days after which feedback batches move to S3 Standard-IA (at least 30)', 30);
    const feedbackGlacierDays = days('FeedbackGlacierDays', 120, 'Days after which feedback batches move to Glacier Instant Retrieval (at least 30 more than FeedbackInfrequentAccessDays)', 60);
    const exportDays = days('ExportRetentionDays', 30, 'Days after which harvested datasets under exports/ expire');
    const accessLogDays = days('AccessLogRetentionDays', 90, 'Days the server access logs are kept');

    const logs = new Bucket(this, 'AccessLogs', {
      // the target of server access logging supports SSE-S3 only
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(accessLogDays) }],
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the data bucket; logging its own writes would log forever.',
    });

    this.key = props.encryption === 'kms' ? new Key(this, 'Key', { description: 'diffalign bucket (SSE-KMS)', enableKeyRotation: true, policy: accountKeyPolicy() }) : undefined;
    const under = (relative: string): string => `${this.keyPrefix}${relative}`;
    const rules: LifecycleRule[] = [
      { id: 'expire-generations', prefix: under('generations/'), expiration: Duration.days(generationDays) },
      {
        id: 'tier-feedback',
        prefix: under('feedback/'),
        // Glacier Instant Retrieval, not Flexible Retrieval: the harvest reads old batches with plain GETs
        transitions: [
          { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(feedbackIaDays) },
          { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(feedbackGlacierDays) },
        ],
      },
      { id: 'expire-exports', prefix: under('exports/'), expiration: Duration.days(exportDays) },
      { id: 'expire-idempotency', prefix: under('idempotency/'), expiration: Duration.days(Math.ceil((props.idempotencyTtlSeconds ?? 86_400) / 86_400) + 1) },
      { id: 'expire-instances', prefix: under('instances/'), expiration: Duration.days(1) },
      {
        id: 'clean-up',
        abortIncompleteMultipartUploadAfter: Duration.days(1),
        ...(props.versioned ? { noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30), expiredObjectDeleteMarker: true } : {}),
      },
    ];
    this.bucket = new Bucket(this, 'Bucket', {
      ...(this.key ? { encryption: BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true } : { encryption: BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned ?? false,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'access-logs/',
      lifecycleRules: rules,
    });
  }

  /**
   * Lets `grantee` (the API and worker functions) touch exactly the app's prefixes (APP_KEY_PREFIXES): the
   * object actions each one needs, ListBucket only with an `s3:prefix` condition naming them, and with SSE-KMS
   * the key's encrypt/decrypt actions only through S3 in this region.
   */
  grantAppAccess(grantee: IGrantable & Construct): void {
    const objectArn = (prefix: string): string => this.bucket.arnForObjects(`${this.keyPrefix}${prefix}*`);
    const byActions = new Map<string, string[]>();
    for (const entry of APP_KEY_PREFIXES) {
      const actions = entry.actions.join(',');
      byActions.set(actions, [...(byActions.get(actions) ?? []), objectArn(entry.prefix)]);
    }
    for (const [actions, resources] of byActions) {
      const statement = new PolicyStatement({ actions: actions.split(','), resources });
      grantee.grantPrincipal.addToPrincipalPolicy(statement);
      acknowledgeWildcardResources(
        grantee,
        statement,
        'Object keys below each app prefix carry the tenant, date and a fresh UUIDv7 per request; the prefix is the narrowest fixed part (infra/app-key-prefixes.ts).',
      );
    }
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': APP_KEY_PREFIXES.filter((entry) => entry.listed).map((entry) => `${this.keyPrefix}${entry.prefix}*`) } },
      }),
    );
    if (this.key) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [this.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
  }

  /** `s3://bucket/prefix` (no trailing slash), for outputs. */
  get url(): string {
    return Token.asString(Fn.join('', ['s3://', this.bucket.bucketName, this.keyPrefix === '' ? '' : `/${this.keyPrefix.slice(0, -1)}`]));
  }
}

/** Key administration and use the account may delegate through IAM policies, named one by one instead of `kms:*`. */
export const KEY_ACCOUNT_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/**
 * The key policy: the account (its IAM policies decide who) may administer and use the key, with the
 * actions listed; `kms:PutKeyPolicy` among them, so the key can never lock its owner out. In a key
 * policy the resource `*` means this key.
 */
function accountKeyPolicy(): PolicyDocument {
  return new PolicyDocument({ statements: [new PolicyStatement({ principals: [new AccountRootPrincipal()], actions: [...KEY_ACCOUNT_ACTIONS], resources: ['*'] })] });
}
