import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  S3Client,
  type Bucket,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import type { ResourceRefresh } from '../../events/declarations';
import { accountEntityKey, everyoneEntity, setAccountFacts, type Entity } from '../../graph';
import { AccountEntities } from '../account/schema';
import { KmsEntities } from '../kms/schema';
import {
  ACCOUNT_PUBLIC_ACCESS_BLOCK_PROPERTIES,
  accountPublicAccessBlockFacts,
  convertS3Bucket,
  convertS3BucketPolicy,
  regionFromLocationConstraint,
  resolveKmsKeyReference,
  s3BucketHasPolicy,
  s3BucketPublicAclGrants,
  s3BucketUsesKmsKey,
  s3ServiceHasBucket,
  type S3BucketFacts,
} from './converters';
import { S3Entities, S3Relationships } from './schema';

/** Buckets whose configuration is read at the same time (each bucket makes about a dozen calls at once). */
const BUCKET_CONCURRENCY = 5;

/** Thrown inside one bucket's reads when S3 says the bucket no longer exists (deleted since the listing). */
class BucketGone extends Error {}

function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as { name?: string }).name : undefined;
}

/** What a configuration read returns when S3 says the bucket no longer exists. */
const GONE = Symbol('bucket gone');

/**
 * One configuration read, an optional call: the value, `null` when S3 answers that it is not
 * configured (its "not found" error names), or `undefined` when the call failed -- recorded, and the
 * bucket is still produced without the properties that depend on it.
 */
async function readConfig<T>(
  context: CollectorContext,
  operation: string,
  notConfigured: readonly string[],
  call: () => Promise<T>,
): Promise<T | null | undefined> {
  const value = await context.optional(`s3:${operation}`, async (): Promise<T | null | typeof GONE> => {
    try {
      return await call();
    } catch (error) {
      const name = errorName(error);
      if (name && notConfigured.includes(name)) return null;
      if (name === 'NoSuchBucket') return GONE;
      throw error;
    }
  });
  if (value === GONE) throw new BucketGone();
  return value;
}

/**
 * A read that only a bucket with versioning can have: replication ("Both the source and destination
 * buckets must be versioning-enabled when you configure replication", S3 User Guide, replication
 * requirements) and Object Lock ("you must enable S3 Versioning and Object Lock", S3 User Guide,
 * Configuring S3 Object Lock; a bucket created with Object Lock gets versioning with it). A bucket
 * whose versioning was never set has no versioning state ("a GetBucketVersioning request does not
 * return a versioning state value", PutBucketVersioning API Reference), and versioning, once
 * enabled, can only be suspended, never unset. So without a `Status` the configuration cannot exist:
 * `null`, as S3's not-found answer would give, without the call. A failed (denied) versioning read
 * proves nothing, and the read is made.
 */
async function afterVersioning<T>(
  versioning: Promise<{ Status?: string } | null | undefined>,
  read: () => Promise<T | null | undefined>,
): Promise<T | null | undefined> {
  const known = await versioning; // rejects only when the bucket is gone
  return known && !known.Status ? null : read();
}

/**
 * GetBucketPolicyStatus reports on the bucket policy and answers `NoSuchBucketPolicy` for a bucket
 * without one, as GetBucketPolicy does: when GetBucketPolicy said there is none, the status is
 * `null` without the call. A failed (denied) policy read proves nothing, and the status is read.
 */
async function afterPolicy<T>(policy: Promise<string | null | undefined>, read: () => Promise<T | null | undefined>): Promise<T | null | undefined> {
  const known = await policy; // rejects only when the bucket is gone
  return known === null ? null : read();
}

/** Bucket properties per configuration read (what a failed read leaves out, and carry-forward puts back). */
const BUCKET_PROPERTIES: Record<string, string[]> = {
  GetBucketEncryption: ['encrypted', 'defaultEncryptionEnabled', 'encryptionAlgorithm', 'kmsKeyId', 'encryptionKeyRef', 'bucketKeyEnabled'],
  GetBucketVersioning: ['versioningEnabled', 'versioningStatus', 'mfaDelete'],
  GetBucketLogging: ['loggingEnabled', 'loggingTargetBucket', 'loggingTargetPrefix'],
  GetBucketReplication: ['replicationEnabled', 'destinationBuckets'],
  GetPublicAccessBlock: ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'],
  GetBucketPolicy: ['hasPolicy', 'secureTransport'],
  GetBucketPolicyStatus: [],
  GetBucketAcl: ['aclGrants'],
  GetObjectLockConfiguration: ['objectLockEnabled', 'objectLockMode', 'objectLockRetentionDays'],
  GetBucketLifecycleConfiguration: ['lifecycleEnabled', 'lifecycleRuleCount'],
  GetBucketTagging: ['tag.*', 'classification', 'owner', 'email'],
  GetBucketOwnershipControls: ['objectOwnership', 'aclsEnabled'],
};

/** The bucket's configuration calls: the API operation, its IAM action, and what a denial costs. */
const CONFIGURATION_CALLS: Array<{ operation: string; action: string; cost: string }> = [
  {
    operation: 'GetBucketEncryption',
    action: 's3:GetEncryptionConfiguration',
    cost: 'buckets have no default-encryption facts and no USES edge to their KMS key',
  },
  { operation: 'GetBucketVersioning', action: 's3:GetBucketVersioning', cost: 'buckets have no versioning or MFA-delete facts' },
  { operation: 'GetBucketLogging', action: 's3:GetBucketLogging', cost: 'buckets have no access-logging facts' },
  { operation: 'GetBucketReplication', action: 's3:GetReplicationConfiguration', cost: 'buckets have no replication facts' },
  { operation: 'GetPublicAccessBlock', action: 's3:GetBucketPublicAccessBlock', cost: 'buckets have no public-access-block facts; `public` may be unknown' },
  { operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy', cost: 'no `aws_s3_bucket_policy` entity, no ALLOWS edges from it, no `secureTransport`' },
  { operation: 'GetBucketPolicyStatus', action: 's3:GetBucketPolicyStatus', cost: '`public` comes from the policy analysis alone' },
  { operation: 'GetBucketAcl', action: 's3:GetBucketAcl', cost: 'no `aclGrants`, no ALLOWS edges to Everyone from public ACLs' },
  { operation: 'GetObjectLockConfiguration', action: 's3:GetBucketObjectLockConfiguration', cost: 'buckets have no object-lock facts' },
  { operation: 'GetBucketLifecycleConfiguration', action: 's3:GetLifecycleConfiguration', cost: 'buckets have no lifecycle facts' },
  { operation: 'GetBucketTagging', action: 's3:GetBucketTagging', cost: 'buckets have no `tag.*` properties' },
  { operation: 'GetBucketOwnershipControls', action: 's3:GetBucketOwnershipControls', cost: 'buckets have no object-ownership facts' },
];

async function bucketFacts(context: CollectorContext, bucket: Bucket, region: string): Promise<S3BucketFacts> {
  // Bucket-level calls must go to the bucket's own region; other regions answer with a redirect.
  const client = context.client(S3Client, region);
  const Bucket = bucket.Name;
  // Reads that another read can prove empty wait for it (see `afterVersioning`, `afterPolicy`).
  const versioningRead = readConfig(context, 'GetBucketVersioning', [], async () => {
    const { Status, MFADelete } = await client.send(new GetBucketVersioningCommand({ Bucket }));
    return { Status, MFADelete };
  });
  const policyRead = readConfig(
    context,
    'GetBucketPolicy',
    ['NoSuchBucketPolicy'],
    async () => (await client.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? null,
  );
  const [encryption, versioning, logging, replication, publicAccessBlock, policy, policyStatus, acl, objectLock, lifecycleRules, tags, ownership] =
    await Promise.all([
      readConfig(context, 'GetBucketEncryption', ['ServerSideEncryptionConfigurationNotFoundError'], async () => {
        const output = await client.send(new GetBucketEncryptionCommand({ Bucket }));
        return output.ServerSideEncryptionConfiguration ?? null;
      }),
      versioningRead,
      readConfig(context, 'GetBucketLogging', [], async () => (await client.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled ?? null),
      afterVersioning(versioningRead, () =>
        readConfig(context, 'GetBucketReplication', ['ReplicationConfigurationNotFoundError'], async () => {
          return (await client.send(new GetBucketReplicationCommand({ Bucket }))).ReplicationConfiguration ?? null;
        }),
      ),
      readConfig(context, 'GetPublicAccessBlock', ['NoSuchPublicAccessBlockConfiguration'], async () => {
        return (await client.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration ?? null;
      }),
      policyRead,
      afterPolicy(policyRead, () =>
        readConfig(context, 'GetBucketPolicyStatus', ['NoSuchBucketPolicy'], async () => {
          return (await client.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus ?? null;
        }),
      ),
      readConfig(context, 'GetBucketAcl', [], async () => {
        const { Owner, Grants } = await client.send(new GetBucketAclCommand({ Bucket }));
        return { Owner, Grants };
      }),
      afterVersioning(versioningRead, () =>
        readConfig(context, 'GetObjectLockConfiguration', ['ObjectLockConfigurationNotFoundError'], async () => {
          return (await client.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration ?? null;
        }),
      ),
      readConfig(context, 'GetBucketLifecycleConfiguration', ['NoSuchLifecycleConfiguration'], async () => {
        return (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? null;
      }),
      readConfig(context, 'GetBucketTagging', ['NoSuchTagSet'], async () => (await client.send(new GetBucketTaggingCommand({ Bucket }))).TagSet ?? null),
      readConfig(context, 'GetBucketOwnershipControls', ['OwnershipControlsNotFoundError'], async () => {
        return (await client.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls ?? null;
      }),
    ]);
  return {
    bucket,
    accountId: context.account.accountId,
    region,
    encryption,
    versioning: versioning ?? undefined,
    logging,
    replication,
    publicAccessBlock,
    policy,
    policyStatus,
    acl: acl ?? undefined,
    objectLock,
    lifecycleRules,
    tags,
    ownership,
  };
}

/** The bucket's region: from ListBuckets when S3 gives it, else GetBucketLocation (answered from any region). */
async function bucketRegion(context: CollectorContext, home: S3Client, bucket: Bucket): Promise<string | undefined> {
  if (bucket.BucketRegion) return bucket.BucketRegion;
  const location = await readConfig(context, 'GetBucketLocation', [], () => home.send(new GetBucketLocationCommand({ Bucket: bucket.Name })));
  return location === undefined || location === null ? undefined : regionFromLocationConstraint(location.LocationConstraint);
}

/** One bucket: its region and configuration, the entity, its policy and its edges (a bucket gone meanwhile adds nothing). */
async function collectBucket(context: CollectorContext, home: S3Client, bucket: Bucket, kmsKeys: readonly Entity[]): Promise<void> {
  const { accountId } = context.account;
  let facts: S3BucketFacts;
  try {
    const region = await bucketRegion(context, home, bucket);
    facts = region ? await bucketFacts(context, bucket, region) : { bucket, accountId };
  } catch (error) {
    if (error instanceof BucketGone) return;
    throw error;
  }
  const sse = facts.encryption?.Rules?.find((rule) => rule.ApplyServerSideEncryptionByDefault)?.ApplyServerSideEncryptionByDefault;
  if (facts.region && (sse?.SSEAlgorithm === 'aws:kms' || sse?.SSEAlgorithm === 'aws:kms:dsse')) {
    facts.kmsKeyArn =
      resolveKmsKeyReference(sse.KMSMasterKeyID, accountId, facts.region, kmsKeys) ??
      (await describeAliasOutsideRun(context, sse.KMSMasterKeyID, accountId, facts.region, kmsKeys));
  }
  const entity: Entity = context.addEntity(convertS3Bucket(facts));
  context.addRelationship(s3ServiceHasBucket(accountId, entity));
  const usesKey = s3BucketUsesKmsKey(entity);
  if (usesKey) context.addRelationship(usesKey);
  const publicGrants = s3BucketPublicAclGrants(entity, facts);
  if (publicGrants.length) {
    context.graph.addEntity(everyoneEntity());
    context.addRelationships(publicGrants);
  }
  if (typeof facts.policy === 'string' && facts.region) {
    const policy = context.addEntity(
      convertS3BucketPolicy({ bucketName: bucket.Name ?? '', accountId, region: facts.region, policy: facts.policy, policyStatus: facts.policyStatus }),
    );
    context.addRelationship(s3BucketHasPolicy(entity, policy));
  }
}

/**
 * One bucket read alone (`orggraph watch`): ListBuckets with the name as `Prefix` gives its
 * creation date and region (no bucket of that exact name: it is gone), then its configuration as
 * in a full run. Its events name it by `bucketName`.
 */
const bucketRefresh: ResourceRefresh = {
  idOf: (entity) =>
    (entity._type === S3Entities.BUCKET._type || entity._type === S3Entities.BUCKET_POLICY._type) && typeof entity.bucketName === 'string'
      ? entity.bucketName
      : undefined,
  async read(context, names) {
    const home = context.client(S3Client);
    const kmsKeys = context.graph.entitiesOfType(KmsEntities.KEY._type);
    await mapConcurrent(names, BUCKET_CONCURRENCY, async (name) => {
      for await (const page of paginateListBuckets({ client: home, pageSize: 1000 }, { Prefix: name })) {
        const bucket = page.Buckets?.find((listed) => listed.Name === name);
        if (bucket) return collectBucket(context, home, bucket, kmsKeys);
      }
    });
  },
};

/**
 * S3 buckets and their policies. Buckets are listed once per account (ListBuckets is global); each
 * bucket's configuration is read from a client of the bucket's region.
 */
export const s3BucketsCollector: Collector = {
  id: 's3-buckets',
  service: 's3',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [
    {
      source: 's3.amazonaws.com',
      names: [
        'CreateBucket',
        'DeleteBucket',
        'PutBucketPolicy',
        'DeleteBucketPolicy',
        'PutBucketAcl',
        'PutBucketEncryption',
        'DeleteBucketEncryption',
        'PutBucketVersioning',
        'PutBucketLogging',
        'PutBucketPublicAccessBlock',
        'DeleteBucketPublicAccessBlock',
        'PutBucketReplication',
        'DeleteBucketReplication',
        'PutBucketTagging',
        'DeleteBucketTagging',
        'PutBucketLifecycle',
        'DeleteBucketLifecycle',
        'PutBucketOwnershipControls',
        'DeleteBucketOwnershipControls',
        'PutObjectLockConfiguration',
      ],
      resourceIds: ['requestParameters.bucketName'],
      resource: bucketRefresh,
    },
  ],
  entities: [S3Entities.BUCKET, S3Entities.BUCKET_POLICY],
  relationships: [
    S3Relationships.SERVICE_HAS_BUCKET,
    S3Relationships.BUCKET_HAS_POLICY,
    S3Relationships.BUCKET_USES_KEY,
    S3Relationships.BUCKET_ALLOWS_EVERYONE,
  ],
  permissions: [
    's3:ListAllMyBuckets',
    's3:GetBucketLocation',
    's3:GetEncryptionConfiguration',
    's3:GetBucketVersioning',
    's3:GetBucketLogging',
    's3:GetReplicationConfiguration',
    's3:GetBucketPublicAccessBlock',
    's3:GetBucketPolicy',
    's3:GetBucketPolicyStatus',
    's3:GetBucketAcl',
    's3:GetBucketObjectLockConfiguration',
    's3:GetLifecycleConfiguration',
    's3:GetBucketTagging',
    's3:GetBucketOwnershipControls',
    'kms:DescribeKey',
  ],
  conditionalPermissions: [
    { action: 's3:GetBucketLocation', when: 'ListBuckets gives a bucket without its region (`BucketRegion`)' },
    { action: 'kms:DescribeKey', when: "a bucket's default encryption names a KMS alias in a region whose keys the run did not collect (a `--regions` run)" },
  ],
  optionalCalls: [
    {
      operation: 'kms:DescribeKey',
      cost: "a bucket encrypted through an alias in a region outside the run's regions has no `encryptionKeyRef` edge until a run that covers that region",
    },
    {
      operation: 's3:GetBucketLocation',
      cost: 'a bucket whose region ListBuckets does not give is listed without its region and configuration',
      properties: [{ _type: S3Entities.BUCKET._type, properties: ['region', ...Object.values(BUCKET_PROPERTIES).flat()] }],
    },
    ...CONFIGURATION_CALLS.map(({ operation, action, cost }) => ({
      operation: `s3:${operation}`,
      actions: [action],
      cost,
      properties: BUCKET_PROPERTIES[operation].length ? [{ _type: S3Entities.BUCKET._type, properties: BUCKET_PROPERTIES[operation] }] : undefined,
    })),
  ],
  // KMS keys (every region of the account) resolve SSE-KMS aliases to key entities.
  dependsOn: ['account', 'kms-keys'],
  async run(context) {
    const home = context.client(S3Client);
    const { accountId } = context.account;

    const buckets: Bucket[] = [];
    for await (const page of paginateListBuckets({ client: home, pageSize: 1000 }, {})) {
      for (const bucket of page.Buckets ?? []) if (bucket.Name) buckets.push(bucket);
    }
    context.logger.debug(`s3-buckets ${accountId}: ${buckets.length} buckets`);

    const kmsKeys = context.graph.entitiesOfType(KmsEntities.KEY._type);
    await mapConcurrent(buckets, BUCKET_CONCURRENCY, (bucket) => collectBucket(context, home, bucket, kmsKeys));
  },
};

/**
 * The key ARN of a customer alias in a region whose keys this run did not collect (no key of the
 * account and region in the graph: a run narrowed by `--regions`), asked of KMS itself. AWS-managed
 * aliases (`alias/aws/*`) are never asked: DescribeKey creates an AWS-managed key that does not exist yet.
 */
async function describeAliasOutsideRun(
  context: CollectorContext,
  reference: string | undefined,
  accountId: string,
  bucketRegion: string,
  kmsKeys: readonly Entity[],
): Promise<string | undefined> {
  const alias = reference ? /^(?:arn:aws[\w-]*:kms:([^:]+):(\d{12}):)?(alias\/.+)$/.exec(reference) : null;
  if (!alias || alias[3].startsWith('alias/aws/')) return undefined;
  const region = alias[1] ?? bucketRegion;
  const owner = alias[2] ?? accountId;
  if (owner !== accountId || kmsKeys.some((key) => key.accountId === accountId && key.region === region)) return undefined;
  const described = await context.optional('kms:DescribeKey', () => context.client(KMSClient, region).send(new DescribeKeyCommand({ KeyId: reference })));
  return described?.KeyMetadata?.Arn;
}

/**
 * The account-level S3 Block Public Access (S3 Control GetPublicAccessBlock, one call per account),
 * as facts on `aws_account` (see accountPublicAccessBlockFacts). An account that never set it
 * answers NoSuchPublicAccessBlockConfiguration: every flag is then false, not unknown.
 */
export const s3AccountPublicAccessBlockCollector: Collector = {
  id: 's3-account-public-access-block',
  service: 's3',
  scope: 'global',
  // Write calls that change what it reads (docs/event-streaming.md).
  events: [{ source: 's3.amazonaws.com', names: ['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock'] }],
  entities: [],
  relationships: [],
  permissions: ['s3:GetAccountPublicAccessBlock'],
  dependsOn: ['account'],
  enriches: [{ _type: AccountEntities.ACCOUNT._type, properties: [...ACCOUNT_PUBLIC_ACCESS_BLOCK_PROPERTIES] }],
  async run(context) {
    const { accountId } = context.account;
    const client = context.client(S3ControlClient);
    let configuration;
    try {
      configuration = (await client.send(new GetAccountPublicAccessBlockCommand({ AccountId: accountId }))).PublicAccessBlockConfiguration ?? null;
    } catch (error) {
      if (errorName(error) !== 'NoSuchPublicAccessBlockConfiguration') throw error;
      configuration = null;
    }
    const account = context.graph.getEntity(accountEntityKey(accountId));
    if (account) setAccountFacts(account, accountPublicAccessBlockFacts(configuration));
  },
};
