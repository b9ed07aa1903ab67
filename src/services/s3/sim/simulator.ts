import { createHash } from 'node:crypto';
import type {
  GetBucketAclCommandInput,
  GetBucketAclCommandOutput,
  GetBucketEncryptionCommandInput,
  GetBucketEncryptionCommandOutput,
  GetBucketLifecycleConfigurationCommandInput,
  GetBucketLifecycleConfigurationCommandOutput,
  GetBucketLocationCommandInput,
  GetBucketLocationCommandOutput,
  GetBucketLoggingCommandInput,
  GetBucketLoggingCommandOutput,
  GetBucketOwnershipControlsCommandInput,
  GetBucketOwnershipControlsCommandOutput,
  GetBucketPolicyCommandInput,
  GetBucketPolicyCommandOutput,
  GetBucketPolicyStatusCommandInput,
  GetBucketPolicyStatusCommandOutput,
  GetBucketReplicationCommandInput,
  GetBucketReplicationCommandOutput,
  GetBucketTaggingCommandInput,
  GetBucketTaggingCommandOutput,
  GetBucketVersioningCommandInput,
  GetBucketVersioningCommandOutput,
  GetObjectLockConfigurationCommandInput,
  GetObjectLockConfigurationCommandOutput,
  GetPublicAccessBlockCommandInput,
  GetPublicAccessBlockCommandOutput,
  Grant,
  LifecycleRule,
  ListBucketsCommandInput,
  ListBucketsCommandOutput,
  ReplicationRule,
  TransitionStorageClass,
} from '@aws-sdk/client-s3';
import { ServiceException } from '@smithy/smithy-client';
import { policyDocumentSchema, type PolicyDocument, type PolicyStatement } from '../../../policy/document';
import { collection, custom, defineSimulatedService, get, list } from '../../../sim/service-kit';
import type { SimCallContext, World, WorldAccount } from '../../../sim/types';
import { ALL_USERS_URI, AUTHENTICATED_USERS_URI, LOG_DELIVERY_URI, s3BucketArn } from '../converters';
import { analyzeBucketPolicy } from '../policy';

type Permission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';

/** An ACL grant: to a group (`AllUsers`, `AuthenticatedUsers`, `LogDelivery`) or a canonical user id. */
export interface WorldS3Grant {
  grantee: string;
  permission: Permission;
}

export interface WorldS3PublicAccessBlock {
  blockPublicAcls?: boolean;
  ignorePublicAcls?: boolean;
  blockPublicPolicy?: boolean;
  restrictPublicBuckets?: boolean;
}

export interface WorldS3LifecycleRule {
  id: string;
  status?: 'Enabled' | 'Disabled';
  prefix?: string;
  expirationDays?: number;
  noncurrentExpirationDays?: number;
  transitions?: Array<{ days: number; storageClass: TransitionStorageClass }>;
  abortIncompleteUploadDays?: number;
}

export interface WorldS3ReplicationRule {
  id?: string;
  /** Destination bucket name or ARN. */
  destination: string;
  /** Destination account, for cross-account replication. */
  account?: string;
  storageClass?: string;
  status?: 'Enabled' | 'Disabled';
  prefix?: string;
  /** KMS key for replicas (SSE-KMS objects). */
  replicaKmsKeyId?: string;
}

/** A bucket policy document, written as YAML in the world file and answered as JSON text. */
export type WorldPolicyDocument = PolicyDocument;

/** An S3 bucket in the world file, declared in the region where it lives. */
export interface WorldS3Bucket {
  name: string;
  createdAt?: string;
  /** Default encryption; omitted means SSE-S3 (AES256), as S3 applies to every bucket since 2023. */
  encryption?: 'none' | 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** SSE-KMS key: id, ARN, alias name or alias ARN; omitted with `aws:kms` means the AWS managed `aws/s3` key. */
  kmsKeyId?: string;
  bucketKey?: boolean;
  versioning?: 'Enabled' | 'Suspended';
  mfaDelete?: boolean;
  logging?: { targetBucket: string; targetPrefix?: string };
  replication?: { role?: string; rules: WorldS3ReplicationRule[] };
  /** `true`: all four settings on. */
  publicAccessBlock?: boolean | WorldS3PublicAccessBlock;
  policy?: WorldPolicyDocument;
  /** Grants beyond the owner's FULL_CONTROL (always present). */
  acl?: WorldS3Grant[];
  /** `true`: Object Lock without a default retention. Implies versioning. */
  objectLock?: boolean | { mode?: 'GOVERNANCE' | 'COMPLIANCE'; days?: number; years?: number };
  lifecycle?: WorldS3LifecycleRule[];
  tags?: Record<string, string>;
  ownership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';
}

export interface WorldS3 {
  buckets?: WorldS3Bucket[];
}

const BUCKET_NAME = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/** The fields of a bucket in the world file (checked when the world is loaded). */
const bucketFields = {
  name: { type: 'string', pattern: BUCKET_NAME },
  createdAt: { type: 'string', format: 'date-time' },
  encryption: { enum: ['none', 'AES256', 'aws:kms', 'aws:kms:dsse'] },
  kmsKeyId: { type: 'string', minLength: 1 },
  bucketKey: { type: 'boolean' },
  versioning: { enum: ['Enabled', 'Suspended'] },
  mfaDelete: { type: 'boolean' },
  logging: {
    type: 'object',
    additionalProperties: false,
    required: ['targetBucket'],
    properties: { targetBucket: { type: 'string', pattern: BUCKET_NAME }, targetPrefix: { type: 'string' } },
  },
  replication: {
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      role: { type: 'string', pattern: '^arn:aws:iam::\\d{12}:role/' },
      rules: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['destination'],
          properties: {
            id: { type: 'string' },
            destination: { type: 'string', pattern: `(${BUCKET_NAME.slice(1, -1)}|^arn:aws:s3:::[a-z0-9.-]+)$` },
            account: { type: 'string', pattern: '^\\d{12}$' },
            storageClass: { type: 'string' },
            status: { enum: ['Enabled', 'Disabled'] },
            prefix: { type: 'string' },
            replicaKmsKeyId: { type: 'string' },
          },
        },
      },
    },
  },
  publicAccessBlock: {
    anyOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          blockPublicAcls: { type: 'boolean' },
          ignorePublicAcls: { type: 'boolean' },
          blockPublicPolicy: { type: 'boolean' },
          restrictPublicBuckets: { type: 'boolean' },
        },
      },
    ],
  },
  policy: policyDocumentSchema(),
  acl: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['grantee', 'permission'],
      properties: {
        grantee: { anyOf: [{ enum: ['AllUsers', 'AuthenticatedUsers', 'LogDelivery'] }, { type: 'string', pattern: '^[0-9a-f]{64}$' }] },
        permission: { enum: ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] },
      },
    },
  },
  objectLock: {
    anyOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          mode: { enum: ['GOVERNANCE', 'COMPLIANCE'] },
          days: { type: 'integer', minimum: 1 },
          years: { type: 'integer', minimum: 1 },
        },
      },
    ],
  },
  lifecycle: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: { type: 'string', minLength: 1 },
        status: { enum: ['Enabled', 'Disabled'] },
        prefix: { type: 'string' },
        expirationDays: { type: 'integer', minimum: 1 },
        noncurrentExpirationDays: { type: 'integer', minimum: 1 },
        transitions: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['days', 'storageClass'],
            properties: {
              days: { type: 'integer', minimum: 0 },
              storageClass: { enum: ['GLACIER', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'DEEP_ARCHIVE', 'GLACIER_IR'] },
            },
          },
        },
        abortIncompleteUploadDays: { type: 'integer', minimum: 1 },
      },
    },
  },
  tags: { type: 'object', additionalProperties: { type: 'string' } },
  ownership: { enum: ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] },
};

/** The account's canonical user id (64 hex characters), stable per account. */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`simulated-s3-owner-${accountId}`).digest('hex');
}

function s3Error(name: string, status: number, message: string): ServiceException {
  return new ServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
  });
}

function bucketsOf(account: WorldAccount, region: string): WorldS3Bucket[] {
  return (account.regions?.[region]?.s3 as WorldS3 | undefined)?.buckets ?? [];
}

interface Located {
  account: WorldAccount;
  region: string;
  bucket: WorldS3Bucket;
}

/** Bucket name -> where it is declared, per world; rebuilt when the world changed under it. */
const indexes = new WeakMap<World, Map<string, Located>>();

function buildIndex(world: World): Map<string, Located> {
  const index = new Map<string, Located>();
  for (const account of world.accounts) {
    for (const region of Object.keys(account.regions ?? {})) {
      for (const bucket of bucketsOf(account, region)) {
        const other = index.get(bucket.name);
        if (other) {
          throw new Error(
            `world: bucket ${bucket.name} is declared twice (${other.account.id}/${other.region} and ${account.id}/${region}); bucket names are global`,
          );
        }
        index.set(bucket.name, { account, region, bucket });
      }
    }
  }
  indexes.set(world, index);
  return index;
}

function locate(world: World, name: string): Located | undefined {
  const cached = indexes.get(world)?.get(name);
  if (cached && bucketsOf(cached.account, cached.region).includes(cached.bucket)) return cached;
  return buildIndex(world).get(name);
}

/**
 * The bucket a per-bucket call names, as S3 resolves it: unknown names are NoSuchBucket, another
 * account's bucket is AccessDenied, and a call sent to another region than the bucket's is
 * redirected (the SDK does not follow it unless told to), except GetBucketLocation.
 */
function bucketFor(context: SimCallContext, name: string | undefined, anyRegion = false): Located {
  const found = name ? locate(context.world, name) : undefined;
  if (!found) return context.notFound('NoSuchBucket', 'The specified bucket does not exist');
  if (found.account.id !== context.account.id) throw s3Error('AccessDenied', 403, 'Access Denied');
  if (!anyRegion && found.region !== context.region) {
    throw s3Error(
      'PermanentRedirect',
      301,
      `The bucket you are attempting to access must be addressed using the specified endpoint (bucket ${found.bucket.name} is in ${found.region}, the request went to ${context.region}).`,
    );
  }
  return found;
}

const NO_POLICY = { error: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' };

function grantOf(grant: WorldS3Grant): Grant {
  const groups: Record<string, string> = { AllUsers: ALL_USERS_URI, AuthenticatedUsers: AUTHENTICATED_USERS_URI, LogDelivery: LOG_DELIVERY_URI };
  const uri = groups[grant.grantee];
  return { Grantee: uri ? { Type: 'Group', URI: uri } : { Type: 'CanonicalUser', ID: grant.grantee }, Permission: grant.permission };
}

function lifecycleRuleOf(rule: WorldS3LifecycleRule): LifecycleRule {
  return {
    ID: rule.id,
    Status: rule.status ?? 'Enabled',
    Filter: { Prefix: rule.prefix ?? '' },
    Expiration: rule.expirationDays ? { Days: rule.expirationDays } : undefined,
    NoncurrentVersionExpiration: rule.noncurrentExpirationDays ? { NoncurrentDays: rule.noncurrentExpirationDays } : undefined,
    Transitions: rule.transitions?.map((t) => ({ Days: t.days, StorageClass: t.storageClass })),
    AbortIncompleteMultipartUpload: rule.abortIncompleteUploadDays ? { DaysAfterInitiation: rule.abortIncompleteUploadDays } : undefined,
  };
}

function replicationRuleOf(rule: WorldS3ReplicationRule, index: number): ReplicationRule {
  return {
    ID: rule.id ?? `replication-rule-${index + 1}`,
    Priority: index + 1,
    Filter: { Prefix: rule.prefix ?? '' },
    Status: rule.status ?? 'Enabled',
    DeleteMarkerReplication: { Status: 'Disabled' },
    SourceSelectionCriteria: rule.replicaKmsKeyId ? { SseKmsEncryptedObjects: { Status: 'Enabled' } } : undefined,
    Destination: {
      Bucket: rule.destination.startsWith('arn:') ? rule.destination : s3BucketArn(rule.destination),
      Account: rule.account,
      StorageClass: rule.storageClass as NonNullable<ReplicationRule['Destination']>['StorageClass'],
      AccessControlTranslation: rule.account ? { Owner: 'Destination' } : undefined,
      EncryptionConfiguration: rule.replicaKmsKeyId ? { ReplicaKmsKeyID: rule.replicaKmsKeyId } : undefined,
    },
  };
}

/** A bucket's configuration call: its answer, or S3's not-found error when the bucket has none. */
const configuration = <I extends { Bucket?: string }, O>(
  item: (bucket: WorldS3Bucket, context: SimCallContext) => Omit<O, '$metadata'> | undefined,
  absent?: { error: string; message: string },
) => get<I, O, WorldS3Bucket>('buckets', { id: 'Bucket' as keyof I & string, item: (_view, bucket, context) => item(bucket, context), absent });

export const s3Simulator = defineSimulatedService({
  service: 's3',
  clientName: 'S3Client',
  // Buckets are declared in their region; ListBuckets (sent to any one region) gathers all regions.
  scope: 'regional',
  collections: {
    buckets: collection<WorldS3Bucket>({
      id: 'name',
      closed: true,
      fields: bucketFields,
      // The record itself: every operation shapes its own answer from it.
      view: (bucket) => bucket,
      find: (name, context) => bucketFor(context, name).bucket,
      notFound: { error: 'NoSuchBucket', message: () => 'The specified bucket does not exist' },
    }),
  },
  errors: { accessDenied: 'AccessDenied', throttling: 'SlowDown', invalidToken: 'InvalidNextToken' },
  // S3 publishes no quota for bucket-configuration reads; a generous bucket per action.
  bucket: { capacity: 200, refillPerSecond: 100 },
  operations: {
    ListBuckets: list<ListBucketsCommandInput, ListBucketsCommandOutput>('buckets', {
      items: 'Buckets',
      token: 'ContinuationToken',
      maxResults: 'MaxBuckets',
      awsMax: 10000,
      source: (_records, input, context) =>
        Object.keys(context.account.regions ?? {})
          .flatMap((region) => bucketsOf(context.account, region).map((bucket) => ({ bucket, region })))
          .filter(({ bucket, region }) => (!input.Prefix || bucket.name.startsWith(input.Prefix)) && (!input.BucketRegion || input.BucketRegion === region))
          .sort((a, b) => a.bucket.name.localeCompare(b.bucket.name))
          .map(({ bucket, region }) => ({
            Name: bucket.name,
            CreationDate: new Date(bucket.createdAt ?? '2021-01-01T00:00:00Z'),
            BucketRegion: region,
            BucketArn: s3BucketArn(bucket.name),
          })),
      output: (input, context) => ({ Owner: { ID: canonicalUserId(context.account.id) }, Prefix: input.Prefix }),
    }),
    GetBucketLocation: custom<GetBucketLocationCommandInput, GetBucketLocationCommandOutput>((input, context) => {
      const { region } = bucketFor(context, input.Bucket, true);
      // us-east-1 buckets have no location constraint.
      return { LocationConstraint: region === 'us-east-1' ? undefined : (region as GetBucketLocationCommandOutput['LocationConstraint']) };
    }),
    GetBucketEncryption: configuration<GetBucketEncryptionCommandInput, GetBucketEncryptionCommandOutput>(
      (bucket) => {
        const algorithm = bucket.encryption ?? 'AES256';
        if (algorithm === 'none') return undefined;
        const kms = algorithm !== 'AES256';
        return {
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm, KMSMasterKeyID: kms ? bucket.kmsKeyId : undefined },
                BucketKeyEnabled: bucket.bucketKey ?? false,
              },
            ],
          },
        };
      },
      { error: 'ServerSideEncryptionConfigurationNotFoundError', message: 'The server side encryption configuration was not found' },
    ),
    GetBucketVersioning: configuration<GetBucketVersioningCommandInput, GetBucketVersioningCommandOutput>((bucket) => {
      // Object Lock turns versioning on for good.
      const status = bucket.objectLock ? 'Enabled' : bucket.versioning;
      return status ? { Status: status, MFADelete: bucket.mfaDelete ? 'Enabled' : 'Disabled' } : {};
    }),
    GetBucketLogging: configuration<GetBucketLoggingCommandInput, GetBucketLoggingCommandOutput>((bucket) =>
      bucket.logging ? { LoggingEnabled: { TargetBucket: bucket.logging.targetBucket, TargetPrefix: bucket.logging.targetPrefix ?? '' } } : {},
    ),
    GetBucketReplication: configuration<GetBucketReplicationCommandInput, GetBucketReplicationCommandOutput>(
      (bucket, context) =>
        bucket.replication && {
          ReplicationConfiguration: {
            Role: bucket.replication.role ?? `arn:aws:iam::${context.account.id}:role/service-role/s3-replication-${bucket.name}`,
            Rules: bucket.replication.rules.map(replicationRuleOf),
          },
        },
      { error: 'ReplicationConfigurationNotFoundError', message: 'The replication configuration was not found' },
    ),
    GetPublicAccessBlock: configuration<GetPublicAccessBlockCommandInput, GetPublicAccessBlockCommandOutput>(
      ({ publicAccessBlock: block }) => {
        if (!block) return undefined;
        const all = block === true;
        return {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: all || (block.blockPublicAcls ?? false),
            IgnorePublicAcls: all || (block.ignorePublicAcls ?? false),
            BlockPublicPolicy: all || (block.blockPublicPolicy ?? false),
            RestrictPublicBuckets: all || (block.restrictPublicBuckets ?? false),
          },
        };
      },
      { error: 'NoSuchPublicAccessBlockConfiguration', message: 'The public access block configuration was not found' },
    ),
    GetBucketPolicy: configuration<GetBucketPolicyCommandInput, GetBucketPolicyCommandOutput>(
      (bucket) => bucket.policy && { Policy: JSON.stringify(bucket.policy) },
      NO_POLICY,
    ),
    GetBucketPolicyStatus: configuration<GetBucketPolicyStatusCommandInput, GetBucketPolicyStatusCommandOutput>(
      (bucket) => bucket.policy && { PolicyStatus: { IsPublic: analyzeBucketPolicy(JSON.stringify(bucket.policy), bucket.name).public } },
      NO_POLICY,
    ),
    GetBucketAcl: configuration<GetBucketAclCommandInput, GetBucketAclCommandOutput>((bucket, context) => {
      const owner = canonicalUserId(context.account.id);
      return {
        Owner: { ID: owner },
        Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' }, ...(bucket.acl ?? []).map(grantOf)],
      };
    }),
    GetObjectLockConfiguration: configuration<GetObjectLockConfigurationCommandInput, GetObjectLockConfigurationCommandOutput>(
      ({ objectLock: lock }) => {
        if (!lock) return undefined;
        const retention = lock === true || !lock.mode ? undefined : { Mode: lock.mode, Days: lock.days, Years: lock.years };
        return { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: retention ? { DefaultRetention: retention } : undefined } };
      },
      { error: 'ObjectLockConfigurationNotFoundError', message: 'Object Lock configuration does not exist for this bucket' },
    ),
    GetBucketLifecycleConfiguration: configuration<GetBucketLifecycleConfigurationCommandInput, GetBucketLifecycleConfigurationCommandOutput>(
      ({ lifecycle }) =>
        lifecycle?.length ? { Rules: lifecycle.map(lifecycleRuleOf), TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' } : undefined,
      { error: 'NoSuchLifecycleConfiguration', message: 'The lifecycle configuration does not exist' },
    ),
    GetBucketTagging: configuration<GetBucketTaggingCommandInput, GetBucketTaggingCommandOutput>(
      (bucket) => {
        const tags = Object.entries(bucket.tags ?? {});
        return tags.length ? { TagSet: tags.map(([Key, Value]) => ({ Key, Value })) } : undefined;
      },
      { error: 'NoSuchTagSet', message: 'The TagSet does not exist' },
    ),
    GetBucketOwnershipControls: configuration<GetBucketOwnershipControlsCommandInput, GetBucketOwnershipControlsCommandOutput>(
      ({ ownership }) => ownership && { OwnershipControls: { Rules: [{ ObjectOwnership: ownership }] } },
      { error: 'OwnershipControlsNotFoundError', message: 'The bucket ownership controls were not found' },
    ),
  },
  generate: ({ accountId, region, size, random, sections }) => {
    const kmsKeys = ((sections.kms as { keys?: Array<{ id: string; manager?: string }> } | undefined)?.keys ?? []).filter(
      (key) => (key.manager ?? 'CUSTOMER') === 'CUSTOMER',
    );
    const logBucket = `gen-${accountId}-${region}-logs`;
    const buckets: WorldS3Bucket[] = [
      { name: logBucket, publicAccessBlock: true, ownership: 'BucketOwnerPreferred', acl: [{ grantee: 'LogDelivery', permission: 'WRITE' }] },
    ];
    for (let index = 0; index < size; index++) {
      const name = `gen-${accountId}-${region}-${index}`;
      const roll = random();
      const bucket: WorldS3Bucket = { name, tags: { classification: roll < 0.3 ? 'confidential' : 'internal' } };
      if (roll < 0.05) bucket.encryption = 'none';
      else if (roll < 0.5) {
        // A customer key of the region when KMS was generated first, else the AWS managed aws/s3 key.
        bucket.encryption = 'aws:kms';
        if (kmsKeys.length) bucket.kmsKeyId = kmsKeys[Math.floor(random() * kmsKeys.length)].id;
        bucket.bucketKey = true;
      }
      if (random() < 0.5) bucket.versioning = 'Enabled';
      if (random() < 0.8) bucket.publicAccessBlock = true;
      if (random() < 0.3) bucket.logging = { targetBucket: logBucket, targetPrefix: `${name}/` };
      if (random() < 0.4) bucket.lifecycle = [{ id: 'expire-old', expirationDays: 365 }];
      const statements: PolicyStatement[] = [];
      if (random() < 0.5) {
        statements.push({
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [s3BucketArn(name), `${s3BucketArn(name)}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        });
      }
      if (!bucket.publicAccessBlock && random() < 0.2) {
        statements.push({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${s3BucketArn(name)}/*` });
      }
      if (statements.length) bucket.policy = { Version: '2012-10-17', Statement: statements };
      buckets.push(bucket);
    }
    return { buckets } satisfies WorldS3;
  },
});
