import { createHash } from 'node:crypto';
import type {
  BucketLifecycleConfiguration,
  GetBucketAclCommandInput,
  GetBucketAclCommandOutput,
  GetBucketLocationCommandInput,
  GetBucketLocationCommandOutput,
  GetBucketPolicyStatusCommandInput,
  GetBucketPolicyStatusCommandOutput,
  GetBucketVersioningOutput,
  Grant,
  ListBucketsCommandInput,
  ListBucketsCommandOutput,
  LoggingEnabled,
  ObjectLockConfiguration,
  OwnershipControls,
  PublicAccessBlockConfiguration,
  ReplicationConfiguration,
  ServerSideEncryptionConfiguration,
  Tag,
} from '@aws-sdk/client-s3';
import { ServiceException } from '@smithy/smithy-client';
import { policyDocumentSchema, type PolicyDocument, type PolicyStatement } from '../../../policy/document';
import { collection, custom, defineSimulatedService, get, list, type JsonSchema } from '../../../sim/service-kit';
import type { SimCallContext, World, WorldAccount } from '../../../sim/types';
import { LOG_DELIVERY_URI, s3BucketArn } from '../converters';
import { analyzeBucketPolicy } from '../policy';

/**
 * An S3 bucket of the world, declared in its region: its ListBuckets entry (`Name`, `CreationDate`)
 * and each configuration as the member its GetBucket* call answers. An absent member is the call's
 * not-found error (or an empty answer where S3 gives one), except the default encryption.
 */
export interface WorldS3Bucket {
  Name: string;
  CreationDate?: string;
  /** Absent: SSE-S3, which S3 applies to every bucket since 2023; `null`: none (older or S3-compatible storage). */
  ServerSideEncryptionConfiguration?: ServerSideEncryptionConfiguration | null;
  Versioning?: Pick<GetBucketVersioningOutput, 'Status' | 'MFADelete'>;
  LoggingEnabled?: LoggingEnabled;
  ReplicationConfiguration?: ReplicationConfiguration;
  PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration;
  /** The policy document, written as YAML and answered as the JSON text GetBucketPolicy returns. */
  Policy?: PolicyDocument;
  /** Grants beside the owner's FULL_CONTROL, which GetBucketAcl always lists first. */
  Grants?: Grant[];
  ObjectLockConfiguration?: ObjectLockConfiguration;
  LifecycleConfiguration?: BucketLifecycleConfiguration;
  TagSet?: Tag[];
  OwnershipControls?: OwnershipControls;
}

export interface WorldS3 {
  buckets?: WorldS3Bucket[];
}

/** The bucket names of a generated or loaded S3 section (what other services' worlds refer to). */
export function s3BucketNames(section: unknown): string[] {
  return ((section as WorldS3 | undefined)?.buckets ?? []).map((bucket) => bucket.Name);
}

const BUCKET_NAME = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
const OBJECT = { type: 'object' };

/** The members a bucket may have: a misspelt one fails the world load. */
const bucketFields: { [K in keyof WorldS3Bucket]-?: JsonSchema } = {
  Name: { type: 'string', pattern: BUCKET_NAME },
  CreationDate: { type: 'string', format: 'date-time' },
  ServerSideEncryptionConfiguration: { type: ['object', 'null'], required: ['Rules'] },
  Versioning: { type: 'object', properties: { Status: { enum: ['Enabled', 'Suspended'] }, MFADelete: { enum: ['Enabled', 'Disabled'] } } },
  LoggingEnabled: { type: 'object', required: ['TargetBucket'], properties: { TargetBucket: { type: 'string', pattern: BUCKET_NAME } } },
  ReplicationConfiguration: { type: 'object', required: ['Role', 'Rules'] },
  PublicAccessBlockConfiguration: OBJECT,
  Policy: policyDocumentSchema() as JsonSchema,
  Grants: { type: 'array', items: { type: 'object', required: ['Grantee', 'Permission'] } },
  ObjectLockConfiguration: OBJECT,
  LifecycleConfiguration: { type: 'object', required: ['Rules'] },
  TagSet: { type: 'array', items: { type: 'object', required: ['Key', 'Value'] } },
  OwnershipControls: OBJECT,
};

/** S3's answer for a bucket whose default encryption was never written. */
const DEFAULT_ENCRYPTION: ServerSideEncryptionConfiguration = {
  Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
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
        const other = index.get(bucket.Name);
        if (other) {
          throw new Error(
            `world: bucket ${bucket.Name} is declared twice (${other.account.id}/${other.region} and ${account.id}/${region}); bucket names are global`,
          );
        }
        index.set(bucket.Name, { account, region, bucket });
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
      `The bucket you are attempting to access must be addressed using the specified endpoint (bucket ${found.bucket.Name} is in ${found.region}, the request went to ${context.region}).`,
    );
  }
  return found;
}

type Member = keyof WorldS3Bucket;

/**
 * A GetBucket* call answering one member of the bucket: `{ [output]: record[member] }`, or S3's
 * not-found error when the bucket has none (`absent`), or `{}` (calls that answer an empty body).
 */
const configuration = (member: Member, absent?: { error: string; message: string }, output: string = member, shape = (value: unknown) => value) =>
  get<{ Bucket?: string }, object, WorldS3Bucket>('buckets', {
    id: 'Bucket',
    item: (_view, bucket) => {
      const value = shape(bucket[member]);
      return value == null ? (absent ? undefined : {}) : { [output]: value };
    },
    absent,
  });

const NO_POLICY = { error: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' };

export const s3Simulator = defineSimulatedService({
  service: 's3',
  clientName: 'S3Client',
  // Buckets are declared in their region; ListBuckets (sent to any one region) gathers all regions.
  scope: 'regional',
  collections: {
    buckets: collection<WorldS3Bucket>({
      id: 'Name',
      closed: true,
      fields: bucketFields,
      // The record itself: every operation answers a member of it.
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
          .filter(({ bucket, region }) => (!input.Prefix || bucket.Name.startsWith(input.Prefix)) && (!input.BucketRegion || input.BucketRegion === region))
          .sort((a, b) => a.bucket.Name.localeCompare(b.bucket.Name))
          .map(({ bucket, region }) => ({
            Name: bucket.Name,
            CreationDate: new Date(bucket.CreationDate ?? '2021-01-01T00:00:00Z'),
            BucketRegion: region,
            BucketArn: s3BucketArn(bucket.Name),
          })),
      output: (input, context) => ({ Owner: { ID: canonicalUserId(context.account.id) }, Prefix: input.Prefix }),
    }),
    GetBucketLocation: custom<GetBucketLocationCommandInput, GetBucketLocationCommandOutput>((input, context) => {
      const { region } = bucketFor(context, input.Bucket, true);
      // us-east-1 buckets have no location constraint.
      return { LocationConstraint: region === 'us-east-1' ? undefined : (region as GetBucketLocationCommandOutput['LocationConstraint']) };
    }),
    GetBucketEncryption: configuration(
      'ServerSideEncryptionConfiguration',
      { error: 'ServerSideEncryptionConfigurationNotFoundError', message: 'The server side encryption configuration was not found' },
      undefined,
      // Never written: S3's SSE-S3 (an explicit null is "none").
      (written) => (written === undefined ? DEFAULT_ENCRYPTION : written),
    ),
    GetBucketVersioning: get<{ Bucket?: string }, object, WorldS3Bucket>('buckets', { id: 'Bucket', item: (_view, bucket) => bucket.Versioning ?? {} }),
    GetBucketLogging: configuration('LoggingEnabled'),
    GetBucketReplication: configuration('ReplicationConfiguration', {
      error: 'ReplicationConfigurationNotFoundError',
      message: 'The replication configuration was not found',
    }),
    GetPublicAccessBlock: configuration('PublicAccessBlockConfiguration', {
      error: 'NoSuchPublicAccessBlockConfiguration',
      message: 'The public access block configuration was not found',
    }),
    GetBucketPolicy: configuration('Policy', NO_POLICY, 'Policy', (document) => JSON.stringify(document)),
    GetBucketPolicyStatus: get<GetBucketPolicyStatusCommandInput, GetBucketPolicyStatusCommandOutput, WorldS3Bucket>('buckets', {
      id: 'Bucket',
      item: (_view, bucket) => bucket.Policy && { PolicyStatus: { IsPublic: analyzeBucketPolicy(JSON.stringify(bucket.Policy), bucket.Name).public } },
      absent: NO_POLICY,
    }),
    GetBucketAcl: get<GetBucketAclCommandInput, GetBucketAclCommandOutput, WorldS3Bucket>('buckets', {
      id: 'Bucket',
      item: (_view, bucket, context) => {
        const owner = canonicalUserId(context.account.id);
        return { Owner: { ID: owner }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' }, ...(bucket.Grants ?? [])] };
      },
    }),
    GetObjectLockConfiguration: configuration('ObjectLockConfiguration', {
      error: 'ObjectLockConfigurationNotFoundError',
      message: 'Object Lock configuration does not exist for this bucket',
    }),
    GetBucketLifecycleConfiguration: get<{ Bucket?: string }, object, WorldS3Bucket>('buckets', {
      id: 'Bucket',
      item: (_view, { LifecycleConfiguration: lifecycle }) =>
        lifecycle?.Rules?.length ? { ...lifecycle, TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' } : undefined,
      absent: { error: 'NoSuchLifecycleConfiguration', message: 'The lifecycle configuration does not exist' },
    }),
    GetBucketTagging: configuration('TagSet', { error: 'NoSuchTagSet', message: 'The TagSet does not exist' }),
    GetBucketOwnershipControls: configuration('OwnershipControls', {
      error: 'OwnershipControlsNotFoundError',
      message: 'The bucket ownership controls were not found',
    }),
  },
  generate: ({ accountId, region, size, random, sections }) => {
    const kmsKeys = ((sections.kms as { keys?: Array<{ id: string; manager?: string }> } | undefined)?.keys ?? []).filter(
      (key) => (key.manager ?? 'CUSTOMER') === 'CUSTOMER',
    );
    const logBucket = `gen-${accountId}-${region}-logs`;
    const blockAll = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    const buckets: WorldS3Bucket[] = [
      {
        Name: logBucket,
        PublicAccessBlockConfiguration: blockAll,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
        Grants: [{ Grantee: { Type: 'Group', URI: LOG_DELIVERY_URI }, Permission: 'WRITE' }],
      },
    ];
    for (let index = 0; index < size; index++) {
      const name = `gen-${accountId}-${region}-${index}`;
      const roll = random();
      const bucket: WorldS3Bucket = { Name: name, TagSet: [{ Key: 'classification', Value: roll < 0.3 ? 'confidential' : 'internal' }] };
      if (roll < 0.05) bucket.ServerSideEncryptionConfiguration = null;
      else if (roll < 0.5) {
        // A customer key of the region when KMS was generated first, else the AWS managed aws/s3 key.
        const key = kmsKeys.length ? { KMSMasterKeyID: kmsKeys[Math.floor(random() * kmsKeys.length)].id } : {};
        bucket.ServerSideEncryptionConfiguration = {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', ...key }, BucketKeyEnabled: true }],
        };
      }
      if (random() < 0.5) bucket.Versioning = { Status: 'Enabled' };
      if (random() < 0.8) bucket.PublicAccessBlockConfiguration = blockAll;
      if (random() < 0.3) bucket.LoggingEnabled = { TargetBucket: logBucket, TargetPrefix: `${name}/` };
      if (random() < 0.4)
        bucket.LifecycleConfiguration = { Rules: [{ ID: 'expire-old', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 365 } }] };
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
      if (!bucket.PublicAccessBlockConfiguration && random() < 0.2) {
        statements.push({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${s3BucketArn(name)}/*` });
      }
      if (statements.length) bucket.Policy = { Version: '2012-10-17', Statement: statements };
      buckets.push(bucket);
    }
    return { buckets } satisfies WorldS3;
  },
});
