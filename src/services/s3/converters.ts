import type {
  Bucket,
  GetBucketAclOutput,
  GetBucketVersioningOutput,
  LifecycleRule,
  LoggingEnabled,
  ObjectLockConfiguration,
  OwnershipControls,
  PolicyStatus,
  PublicAccessBlockConfiguration,
  ReplicationConfiguration,
  ServerSideEncryptionConfiguration,
  Tag,
} from '@aws-sdk/client-s3';
import { createEntity, createRelationship, everyoneEntity, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { KmsEntities, kmsKeyKey } from '../kms/schema';
import { analyzeBucketPolicy, type BucketPolicyAnalysis } from './policy';
import { S3Entities } from './schema';

export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY_URI = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

/** The bucket's ARN, which is also its entity key (bucket names are globally unique). */
export function s3BucketArn(bucketName: string): string {
  return `arn:aws:s3:::${bucketName}`;
}

/** Key of a bucket's `aws_s3_bucket_policy` entity. */
export function s3BucketPolicyKey(bucketName: string): string {
  return `${s3BucketArn(bucketName)}|policy`;
}

/**
 * The region of a bucket from GetBucketLocation's LocationConstraint: empty means us-east-1 and the
 * legacy `EU` means eu-west-1.
 */
export function regionFromLocationConstraint(constraint: string | null | undefined): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

/**
 * What the collector learned about one bucket. For each configuration: a value when it is set,
 * `null` when S3 answered that it is not configured, `undefined` when it could not be read (the
 * error is recorded) -- properties that depend on it are then left out rather than guessed.
 */
export interface S3BucketFacts {
  bucket: Bucket;
  accountId: string;
  /** Undefined only when the bucket's location could not be read. */
  region?: string;
  encryption?: ServerSideEncryptionConfiguration | null;
  versioning?: Pick<GetBucketVersioningOutput, 'Status' | 'MFADelete'>;
  logging?: LoggingEnabled | null;
  replication?: ReplicationConfiguration | null;
  publicAccessBlock?: PublicAccessBlockConfiguration | null;
  /** The policy text as GetBucketPolicy returns it. */
  policy?: string | null;
  policyStatus?: PolicyStatus | null;
  acl?: Pick<GetBucketAclOutput, 'Owner' | 'Grants'>;
  objectLock?: ObjectLockConfiguration | null;
  lifecycleRules?: LifecycleRule[] | null;
  tags?: Tag[] | null;
  ownership?: OwnershipControls | null;
  /** The KMS key entity's key when the collector resolved an alias; otherwise derived from `KMSMasterKeyID`. */
  kmsKeyArn?: string;
}

/**
 * The `aws_kms_key` entity key of a default-encryption key reference. Key ids and ARNs map
 * directly; aliases (`alias/app-data`, alias ARNs) and a missing reference (the AWS managed
 * `alias/aws/s3`) are looked up among the collected keys of the bucket's account and region.
 */
export function resolveKmsKeyReference(reference: string | undefined, accountId: string, region: string, keys: readonly Entity[]): string | undefined {
  const direct = kmsKeyKey(reference, accountId, region);
  if (direct) return direct;
  let alias = reference ?? 'alias/aws/s3';
  let aliasAccount = accountId;
  let aliasRegion = region;
  const aliasArn = /^arn:aws[\w-]*:kms:([^:]+):(\d{12}):(alias\/.+)$/.exec(alias);
  if (aliasArn) [, aliasRegion, aliasAccount, alias] = aliasArn;
  if (!alias.startsWith('alias/')) return undefined;
  const key = keys.find(
    (candidate) =>
      candidate.accountId === aliasAccount &&
      candidate.region === aliasRegion &&
      Array.isArray(candidate.aliases) &&
      (candidate.aliases as string[]).includes(alias),
  );
  return key?._key;
}

/** `known ? value : undefined` for facts that may be unknown. */
function whenKnown<T, R>(fact: T | null | undefined, read: (fact: T | null) => R): R | undefined {
  return fact === undefined ? undefined : read(fact);
}

/** A grant as `<grantee>:<permission>`: `AllUsers:READ`, `LogDelivery:WRITE`, `Owner:FULL_CONTROL`, `CanonicalUser:<id>:READ`. */
export function aclGrantSummary(acl: Pick<GetBucketAclOutput, 'Owner' | 'Grants'>): string[] {
  return (acl.Grants ?? []).map((grant) => {
    const grantee = grant.Grantee;
    let who: string;
    if (grantee?.URI) who = grantee.URI.split('/').pop() ?? grantee.URI;
    else if (grantee?.ID && grantee.ID === acl.Owner?.ID) who = 'Owner';
    else if (grantee?.ID) who = `CanonicalUser:${grantee.ID}`;
    else if (grantee?.EmailAddress) who = `Email:${grantee.EmailAddress}`;
    else who = 'Unknown';
    return `${who}:${grant.Permission ?? 'UNKNOWN'}`;
  });
}

/** Grants to AllUsers (anyone) or AuthenticatedUsers (any AWS account): both make a bucket public. */
export function publicAclGrants(acl: Pick<GetBucketAclOutput, 'Owner' | 'Grants'>): string[] {
  return aclGrantSummary({ Grants: (acl.Grants ?? []).filter((g) => g.Grantee?.URI === ALL_USERS_URI || g.Grantee?.URI === AUTHENTICATED_USERS_URI) });
}

export interface BucketPublicity {
  /** Undefined when nothing showed the bucket public and some of the evidence could not be read. */
  public?: boolean;
  reasons: string[];
}

/**
 * Whether a bucket is public: its policy grants to everyone (S3's own PolicyStatus when readable,
 * else the policy text) unless RestrictPublicBuckets is set, or its ACL grants to AllUsers or
 * AuthenticatedUsers unless IgnorePublicAcls is set or ACLs are disabled (BucketOwnerEnforced).
 * The account-level public access block is not read (it needs the S3 Control API).
 */
export function bucketPublicity(facts: S3BucketFacts, analysis: BucketPolicyAnalysis | undefined): BucketPublicity {
  const reasons: string[] = [];
  let unknown = false;
  const block = facts.publicAccessBlock;

  let policyPublic: boolean | undefined;
  if (facts.policy === null) policyPublic = false;
  else if (facts.policyStatus?.IsPublic !== undefined) policyPublic = facts.policyStatus.IsPublic;
  else if (analysis?.parsed) policyPublic = analysis.public;
  // An unreadable policy or ACL leaves the answer open, unless the public access block settles it anyway.
  if (policyPublic === undefined) unknown ||= !block?.RestrictPublicBuckets;
  else if (policyPublic) {
    // RestrictPublicBuckets lets only AWS services and principals of the owning account through.
    if (!block?.RestrictPublicBuckets) {
      const sids = (analysis?.publicStatements ?? []).map((s) => s.sid).filter((sid): sid is string => !!sid);
      reasons.push(`bucket policy allows public access${sids.length ? ` (${sids.join(', ')})` : ''}`);
    }
  }

  if (facts.acl === undefined) unknown ||= !block?.IgnorePublicAcls;
  else {
    const aclsDisabled = facts.ownership?.Rules?.some((rule) => rule.ObjectOwnership === 'BucketOwnerEnforced') ?? false;
    const grants = publicAclGrants(facts.acl);
    if (grants.length && !aclsDisabled && !block?.IgnorePublicAcls) reasons.push(`ACL grants ${grants.join(', ')}`);
  }
  if (reasons.length) return { public: true, reasons };
  return { public: unknown ? undefined : false, reasons };
}

/** `aws_s3_bucket` from ListBuckets and the per-bucket configuration calls. */
export function convertS3Bucket(facts: S3BucketFacts): Entity {
  const name = facts.bucket.Name ?? '';
  const arn = s3BucketArn(name);
  const analysis = typeof facts.policy === 'string' ? analyzeBucketPolicy(facts.policy, name) : undefined;
  const publicity = bucketPublicity(facts, analysis);

  const sseRule = facts.encryption?.Rules?.find((rule) => rule.ApplyServerSideEncryptionByDefault);
  const sse = sseRule?.ApplyServerSideEncryptionByDefault;
  const kmsKeyId = sse?.KMSMasterKeyID;
  const usesKms = sse?.SSEAlgorithm === 'aws:kms' || sse?.SSEAlgorithm === 'aws:kms:dsse';
  const encryptionKeyRef = usesKms && facts.region ? (facts.kmsKeyArn ?? kmsKeyKey(kmsKeyId, facts.accountId, facts.region)) : undefined;

  const block = facts.publicAccessBlock;
  const blockValue = (flag: keyof PublicAccessBlockConfiguration) => whenKnown(block, (b) => b?.[flag] ?? false);
  const replicationRules = facts.replication?.Rules?.filter((rule) => rule.Status === 'Enabled') ?? [];
  const destinations = [...new Set(replicationRules.map((rule) => rule.Destination?.Bucket).filter((b): b is string => !!b))].sort();
  const lifecycleEnabledRules = facts.lifecycleRules?.filter((rule) => rule.Status === 'Enabled') ?? [];
  const classificationTag = facts.tags?.find((tag) => tag.Key?.toLowerCase() === 'classification')?.Value;
  const ownership = facts.ownership?.Rules?.[0]?.ObjectOwnership;
  const retention = facts.objectLock?.Rule?.DefaultRetention;

  return createEntity({
    _key: arn,
    schema: S3Entities.BUCKET,
    name,
    tags: facts.tags ?? undefined,
    createdOn: facts.bucket.CreationDate,
    properties: {
      id: name,
      arn,
      bucketName: name,
      accountId: facts.accountId,
      region: facts.region,
      // A classification tag (promoted by the tag handling) wins; null says "not classified".
      classification: classificationTag ?? null,
      public: publicity.public,
      publicReason: publicity.reasons.length ? publicity.reasons.join('; ') : undefined,
      encrypted: whenKnown(facts.encryption, (e) => e !== null && !!sse) ?? null,
      defaultEncryptionEnabled: whenKnown(facts.encryption, (e) => e !== null && !!sse),
      encryptionAlgorithm: sse?.SSEAlgorithm,
      kmsKeyId,
      encryptionKeyRef,
      bucketKeyEnabled: sseRule?.BucketKeyEnabled,
      secureTransport: facts.policy === null ? false : analysis?.parsed ? analysis.secureTransport : undefined,
      hasPolicy: whenKnown(facts.policy, (p) => p !== null),
      loggingEnabled: whenKnown(facts.logging, (l) => l !== null && !!l.TargetBucket),
      loggingTargetBucket: facts.logging?.TargetBucket,
      loggingTargetPrefix: facts.logging?.TargetPrefix || undefined,
      versioningEnabled: whenKnown(facts.versioning, (v) => v?.Status === 'Enabled'),
      versioningStatus: facts.versioning?.Status,
      mfaDelete: whenKnown(facts.versioning, (v) => v?.MFADelete === 'Enabled'),
      replicationEnabled: whenKnown(facts.replication, () => replicationRules.length > 0),
      destinationBuckets: facts.replication === undefined ? undefined : destinations,
      objectLockEnabled: whenKnown(facts.objectLock, (o) => o?.ObjectLockEnabled === 'Enabled'),
      objectLockMode: retention?.Mode,
      objectLockRetentionDays: retention?.Days ?? (retention?.Years !== undefined ? retention.Years * 365 : undefined),
      blockPublicAcls: blockValue('BlockPublicAcls'),
      ignorePublicAcls: blockValue('IgnorePublicAcls'),
      blockPublicPolicy: blockValue('BlockPublicPolicy'),
      restrictPublicBuckets: blockValue('RestrictPublicBuckets'),
      lifecycleEnabled: whenKnown(facts.lifecycleRules, () => lifecycleEnabledRules.length > 0),
      lifecycleRuleCount: whenKnown(facts.lifecycleRules, (rules) => rules?.length ?? 0),
      aclGrants: facts.acl ? aclGrantSummary(facts.acl) : undefined,
      objectOwnership: whenKnown(facts.ownership, (o) => (o === null ? undefined : ownership)),
      aclsEnabled: whenKnown(facts.ownership, () => ownership !== 'BucketOwnerEnforced'),
      webLink: `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(name)}?${facts.region ? `region=${facts.region}&` : ''}tab=objects`,
    },
  });
}

export interface S3BucketPolicyFacts {
  bucketName: string;
  accountId: string;
  region: string;
  policy: string;
  policyStatus?: PolicyStatus | null;
}

/** `aws_s3_bucket_policy`: the bucket's resource policy, its document kept as compact JSON text. */
export function convertS3BucketPolicy(facts: S3BucketPolicyFacts): Entity {
  const analysis = analyzeBucketPolicy(facts.policy, facts.bucketName);
  const policyName = `${facts.bucketName}-policy`;
  return createEntity({
    _key: s3BucketPolicyKey(facts.bucketName),
    schema: S3Entities.BUCKET_POLICY,
    name: policyName,
    properties: {
      policyName,
      bucketName: facts.bucketName,
      bucketArn: s3BucketArn(facts.bucketName),
      accountId: facts.accountId,
      region: facts.region,
      document: analysis.compact,
      statementCount: analysis.parsed ? analysis.statementCount : undefined,
      public: facts.policyStatus?.IsPublic ?? (analysis.parsed ? analysis.public : undefined),
      secureTransport: analysis.parsed ? analysis.secureTransport : undefined,
      webLink: `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(facts.bucketName)}?region=${facts.region}&tab=permissions`,
    },
  });
}

export function s3ServiceHasBucket(accountId: string, bucket: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 's3'), verb: RelationshipVerb.HAS, to: bucket });
}

export function s3BucketHasPolicy(bucket: Entity, policy: Entity): Relationship {
  return createRelationship({ from: bucket, verb: RelationshipVerb.HAS, to: policy });
}

/** `aws_s3_bucket USES aws_kms_key` for SSE-KMS default encryption, when the key is known. */
export function s3BucketUsesKmsKey(bucket: Entity): Relationship | undefined {
  const keyArn = bucket.encryptionKeyRef;
  if (typeof keyArn !== 'string') return undefined;
  return createRelationship({
    from: bucket,
    verb: RelationshipVerb.USES,
    to: { _key: keyArn, _type: KmsEntities.KEY._type },
    properties: { encryptionAlgorithm: bucket.encryptionAlgorithm ?? undefined },
  });
}

/**
 * `aws_s3_bucket ALLOWS everyone` for each ACL grant to AllUsers or AuthenticatedUsers that takes
 * effect (not ignored by the public access block, ACLs not disabled), with `permission` as
 * JupiterOne's alert rules query it (`... ALLOWS as grant Everyone where grant.permission='READ'`).
 */
export function s3BucketPublicAclGrants(bucket: Entity, facts: Pick<S3BucketFacts, 'acl' | 'publicAccessBlock' | 'ownership'>): Relationship[] {
  if (!facts.acl || facts.publicAccessBlock?.IgnorePublicAcls) return [];
  if (facts.ownership?.Rules?.some((rule) => rule.ObjectOwnership === 'BucketOwnerEnforced')) return [];
  const everyone = everyoneEntity();
  return (facts.acl.Grants ?? []).flatMap((grant) => {
    const uri = grant.Grantee?.URI;
    if (uri !== ALL_USERS_URI && uri !== AUTHENTICATED_USERS_URI) return [];
    const grantee = uri === ALL_USERS_URI ? 'AllUsers' : 'AuthenticatedUsers';
    const permission = grant.Permission ?? 'UNKNOWN';
    return [
      createRelationship({
        from: bucket,
        verb: RelationshipVerb.ALLOWS,
        to: everyone,
        keySuffix: `acl:${grantee}:${permission}`,
        properties: { permission, grantee, source: 'acl' },
      }),
    ];
  });
}
