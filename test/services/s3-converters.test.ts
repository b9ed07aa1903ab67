import test from 'ava';
import { validateEntity, type Entity } from '../../src/graph';
import { convertKmsKey } from '../../src/services/kms/converters';
import {
  s3BucketPublicAclGrants,
  aclGrantSummary,
  ALL_USERS_URI,
  AUTHENTICATED_USERS_URI,
  convertS3Bucket,
  convertS3BucketPolicy,
  LOG_DELIVERY_URI,
  regionFromLocationConstraint,
  resolveKmsKeyReference,
  s3BucketUsesKmsKey,
  type S3BucketFacts,
} from '../../src/services/s3/converters';
import { parseStatement, type PolicyStatement } from '../../src/policy/document';
import { analyzeBucketPolicy, isSecureTransportDeny as secureTransportDeny } from '../../src/services/s3/policy';

const OWNER = '7f1c0f3b9a2e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a69788776';

/** A bucket as a fully readable, private, SSE-S3 bucket; tests override what they look at. */
function facts(overrides: Partial<S3BucketFacts> = {}): S3BucketFacts {
  return {
    bucket: { Name: 'acme-reports', CreationDate: new Date('2021-04-01T10:00:00Z'), BucketRegion: 'us-east-1' },
    accountId: '222222222222',
    region: 'us-east-1',
    encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
    versioning: {},
    logging: null,
    replication: null,
    publicAccessBlock: null,
    policy: null,
    policyStatus: null,
    acl: { Owner: { ID: OWNER }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: OWNER }, Permission: 'FULL_CONTROL' }] },
    objectLock: null,
    lifecycleRules: null,
    tags: null,
    ownership: null,
    ...overrides,
  };
}

const publicReadPolicy = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Sid: 'PublicReadGetObject', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' }],
  },
  null,
  2,
);

const allBlocked = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

test('a private SSE-S3 bucket: core properties, AES256, no KMS edge, valid DataStore', (t) => {
  const bucket = convertS3Bucket(facts());
  t.is(bucket._key, 'arn:aws:s3:::acme-reports');
  t.deepEqual(bucket._class, ['DataStore']);
  t.is(bucket.bucketName, 'acme-reports');
  t.is(bucket.accountId, '222222222222');
  t.is(bucket.region, 'us-east-1');
  t.is(bucket.public, false);
  t.is(bucket.publicReason, undefined);
  t.is(bucket.encrypted, true);
  t.is(bucket.defaultEncryptionEnabled, true);
  t.is(bucket.encryptionAlgorithm, 'AES256');
  t.is(bucket.kmsKeyId, undefined);
  t.is(bucket.encryptionKeyRef, undefined);
  t.is(bucket.classification, null);
  t.is(bucket.secureTransport, false);
  t.is(bucket.versioningEnabled, false);
  t.is(bucket.mfaDelete, false);
  t.is(bucket.loggingEnabled, false);
  t.is(bucket.replicationEnabled, false);
  t.deepEqual(bucket.destinationBuckets, []);
  t.is(bucket.objectLockEnabled, false);
  t.is(bucket.lifecycleEnabled, false);
  t.is(bucket.blockPublicAcls, false);
  t.is(bucket.restrictPublicBuckets, false);
  t.deepEqual(bucket.aclGrants, ['Owner:FULL_CONTROL']);
  t.is(bucket.createdOn, Date.parse('2021-04-01T10:00:00Z'));
  t.is(bucket.webLink, 'https://s3.console.aws.amazon.com/s3/buckets/acme-reports?region=us-east-1&tab=objects');
  t.is(s3BucketUsesKmsKey(bucket), undefined);
  t.deepEqual(validateEntity(bucket), []);
});

test('SSE-KMS by key id: the key ARN in the bucket region and a USES aws_kms_key edge', (t) => {
  const bucket = convertS3Bucket(
    facts({
      region: 'eu-west-1',
      encryption: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: '0a1b2c3d-2222-4aaa-8bbb-000000000004' },
            BucketKeyEnabled: true,
          },
        ],
      },
    }),
  );
  t.is(bucket.encryptionAlgorithm, 'aws:kms');
  t.is(bucket.kmsKeyId, '0a1b2c3d-2222-4aaa-8bbb-000000000004');
  t.is(bucket.bucketKeyEnabled, true);
  t.is(bucket.encryptionKeyRef, 'arn:aws:kms:eu-west-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000004');
  const edge = s3BucketUsesKmsKey(bucket);
  t.is(edge?._type, 'aws_s3_bucket_uses_kms_key');
  t.is(edge?._class, 'USES');
  t.is(edge?._fromEntityKey, 'arn:aws:s3:::acme-reports');
  t.is(edge?._toEntityKey, 'arn:aws:kms:eu-west-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000004');
});

test('SSE-KMS aliases and the AWS managed key resolve through the collected keys of the same account and region', (t) => {
  const key = (id: string, region: string, aliases: string[], manager: 'CUSTOMER' | 'AWS' = 'CUSTOMER'): Entity =>
    convertKmsKey({ accountId: '333333333333', region, aliases, metadata: { KeyId: id, KeyManager: manager } });
  const keys = [
    key('0a1b2c3d-3333-4aaa-8bbb-000000000001', 'us-west-2', ['alias/staging']),
    key('0a1b2c3d-3333-4aaa-8bbb-0000000000aa', 'us-west-2', ['alias/aws/s3'], 'AWS'),
    key('0a1b2c3d-3333-4aaa-8bbb-000000000009', 'us-east-1', ['alias/staging']),
  ];
  t.is(
    resolveKmsKeyReference('alias/staging', '333333333333', 'us-west-2', keys),
    'arn:aws:kms:us-west-2:333333333333:key/0a1b2c3d-3333-4aaa-8bbb-000000000001',
  );
  t.is(
    resolveKmsKeyReference('arn:aws:kms:us-east-1:333333333333:alias/staging', '333333333333', 'us-west-2', keys),
    'arn:aws:kms:us-east-1:333333333333:key/0a1b2c3d-3333-4aaa-8bbb-000000000009',
  );
  t.is(resolveKmsKeyReference(undefined, '333333333333', 'us-west-2', keys), 'arn:aws:kms:us-west-2:333333333333:key/0a1b2c3d-3333-4aaa-8bbb-0000000000aa');
  t.is(resolveKmsKeyReference('alias/unknown', '333333333333', 'us-west-2', keys), undefined);
  t.is(resolveKmsKeyReference('alias/staging', '222222222222', 'us-west-2', keys), undefined);

  const bucket = convertS3Bucket(
    facts({
      accountId: '333333333333',
      region: 'us-west-2',
      encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/staging' } }] },
      kmsKeyArn: resolveKmsKeyReference('alias/staging', '333333333333', 'us-west-2', keys),
    }),
  );
  t.is(bucket.kmsKeyId, 'alias/staging');
  t.is(s3BucketUsesKmsKey(bucket)?._toEntityKey, 'arn:aws:kms:us-west-2:333333333333:key/0a1b2c3d-3333-4aaa-8bbb-000000000001');
});

test('no default encryption is "not encrypted"; an unreadable configuration is unknown, not false', (t) => {
  const none = convertS3Bucket(facts({ encryption: null }));
  t.is(none.encrypted, false);
  t.is(none.defaultEncryptionEnabled, false);
  t.is(none.encryptionAlgorithm, undefined);
  const unknown = convertS3Bucket(facts({ encryption: undefined, versioning: undefined, policy: undefined, policyStatus: undefined }));
  t.is(unknown.encrypted, null);
  t.false('defaultEncryptionEnabled' in unknown);
  t.false('versioningEnabled' in unknown);
  t.false('secureTransport' in unknown);
  t.false('public' in unknown, 'public is left out when the policy cannot be read and nothing else shows it public');
  const settled = convertS3Bucket(facts({ policy: undefined, policyStatus: undefined, acl: undefined, publicAccessBlock: allBlocked }));
  t.is(settled.public, false, 'the public access block settles it without the policy and ACL');
  t.deepEqual(validateEntity(unknown), []);
});

test('public by policy: PolicyStatus.IsPublic with no public access block', (t) => {
  const bucket = convertS3Bucket(facts({ policy: publicReadPolicy, policyStatus: { IsPublic: true } }));
  t.is(bucket.public, true);
  t.is(bucket.publicReason, 'bucket policy allows public access (PublicReadGetObject)');
  t.is(bucket.hasPolicy, true);
});

test('public by policy from the document when GetBucketPolicyStatus could not be read', (t) => {
  const bucket = convertS3Bucket(facts({ policy: publicReadPolicy, policyStatus: undefined }));
  t.is(bucket.public, true);
  // And S3's own verdict wins over the document analysis when it is known.
  t.is(convertS3Bucket(facts({ policy: publicReadPolicy, policyStatus: { IsPublic: false } })).public, false);
});

test('public by ACL: AllUsers and AuthenticatedUsers grants, summarized', (t) => {
  const allUsers = convertS3Bucket(
    facts({
      acl: {
        Owner: { ID: OWNER },
        Grants: [
          { Grantee: { Type: 'CanonicalUser', ID: OWNER }, Permission: 'FULL_CONTROL' },
          { Grantee: { Type: 'Group', URI: ALL_USERS_URI }, Permission: 'READ' },
        ],
      },
    }),
  );
  t.is(allUsers.public, true);
  t.is(allUsers.publicReason, 'ACL grants AllUsers:READ');
  t.deepEqual(allUsers.aclGrants, ['Owner:FULL_CONTROL', 'AllUsers:READ']);

  const authenticated = convertS3Bucket(
    facts({ acl: { Owner: { ID: OWNER }, Grants: [{ Grantee: { Type: 'Group', URI: AUTHENTICATED_USERS_URI }, Permission: 'WRITE' }] } }),
  );
  t.is(authenticated.public, true);
  t.is(authenticated.publicReason, 'ACL grants AuthenticatedUsers:WRITE');

  const logDelivery = convertS3Bucket(
    facts({ acl: { Owner: { ID: OWNER }, Grants: [{ Grantee: { Type: 'Group', URI: LOG_DELIVERY_URI }, Permission: 'WRITE' }] } }),
  );
  t.is(logDelivery.public, false);
});

test('the public access block neutralizes public policies and ACLs; disabled ACLs do too', (t) => {
  const publicAcl = {
    Owner: { ID: OWNER },
    Grants: [{ Grantee: { Type: 'Group' as const, URI: ALL_USERS_URI }, Permission: 'READ' as const }],
  };
  const blocked = convertS3Bucket(facts({ policy: publicReadPolicy, policyStatus: { IsPublic: true }, acl: publicAcl, publicAccessBlock: allBlocked }));
  t.is(blocked.public, false);
  t.is(blocked.publicReason, undefined);
  t.is(blocked.blockPublicAcls, true);
  t.is(blocked.ignorePublicAcls, true);
  t.is(blocked.blockPublicPolicy, true);
  t.is(blocked.restrictPublicBuckets, true);
  t.deepEqual(blocked.aclGrants, ['AllUsers:READ'], 'the grant is still reported');

  // Only IgnorePublicAcls: the ACL is neutralized, the policy is not.
  const partly = convertS3Bucket(
    facts({ policy: publicReadPolicy, policyStatus: { IsPublic: true }, acl: publicAcl, publicAccessBlock: { IgnorePublicAcls: true } }),
  );
  t.is(partly.public, true);
  t.is(partly.publicReason, 'bucket policy allows public access (PublicReadGetObject)');

  const enforced = convertS3Bucket(facts({ acl: publicAcl, ownership: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  t.is(enforced.public, false);
  t.is(enforced.aclsEnabled, false);
});

test('versioning, MFA delete, logging, replication, object lock, lifecycle and a classification tag', (t) => {
  const bucket = convertS3Bucket(
    facts({
      versioning: { Status: 'Enabled', MFADelete: 'Enabled' },
      logging: { TargetBucket: 'acme-access-logs', TargetPrefix: 'reports/' },
      replication: {
        Role: 'arn:aws:iam::222222222222:role/replication',
        Rules: [
          { ID: 'eu', Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::acme-reports-eu' } },
          { ID: 'old', Status: 'Disabled', Destination: { Bucket: 'arn:aws:s3:::acme-reports-old' } },
        ],
      },
      objectLock: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 2 } } },
      lifecycleRules: [
        { ID: 'expire', Status: 'Enabled', Expiration: { Days: 30 }, Filter: { Prefix: '' } },
        { ID: 'off', Status: 'Disabled', Filter: { Prefix: 'tmp/' } },
      ],
      tags: [
        { Key: 'Name', Value: 'Quarterly reports' },
        { Key: 'Classification', Value: 'confidential' },
      ],
    }),
  );
  t.is(bucket.versioningEnabled, true);
  t.is(bucket.mfaDelete, true);
  t.is(bucket.loggingEnabled, true);
  t.is(bucket.loggingTargetBucket, 'acme-access-logs');
  t.is(bucket.replicationEnabled, true);
  t.deepEqual(bucket.destinationBuckets, ['arn:aws:s3:::acme-reports-eu']);
  t.is(bucket.objectLockEnabled, true);
  t.is(bucket.objectLockMode, 'COMPLIANCE');
  t.is(bucket.objectLockRetentionDays, 730);
  t.is(bucket.lifecycleEnabled, true);
  t.is(bucket.lifecycleRuleCount, 2);
  t.is(bucket.classification, 'confidential');
  t.is(bucket.displayName, 'Quarterly reports');
  t.is(bucket.name, 'acme-reports');
  t.is(bucket['tag.Classification'], 'confidential');
  t.deepEqual(validateEntity(bucket), []);
});

test('aclGrantSummary names groups, the owner, other canonical users and e-mail grantees', (t) => {
  const other = 'a'.repeat(64);
  t.deepEqual(
    aclGrantSummary({
      Owner: { ID: OWNER },
      Grants: [
        { Grantee: { Type: 'CanonicalUser', ID: OWNER }, Permission: 'FULL_CONTROL' },
        { Grantee: { Type: 'CanonicalUser', ID: other }, Permission: 'READ' },
        { Grantee: { Type: 'AmazonCustomerByEmail', EmailAddress: 'partner@example.com' }, Permission: 'READ_ACP' },
        { Grantee: { Type: 'Group', URI: LOG_DELIVERY_URI }, Permission: 'WRITE' },
      ],
    }),
    ['Owner:FULL_CONTROL', `CanonicalUser:${other}:READ`, 'Email:partner@example.com:READ_ACP', 'LogDelivery:WRITE'],
  );
});

const deny = (overrides: Partial<PolicyStatement>): PolicyStatement => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  ...overrides,
});

/** The check over the statement as the policy-document model reads it. */
const isSecureTransportDeny = (statement: PolicyStatement, bucketName: string): boolean => {
  const parsed = parseStatement({ ...statement });
  return parsed !== undefined && secureTransportDeny(parsed, bucketName);
};

test('secureTransport: realistic deny statements that count', (t) => {
  t.true(isSecureTransportDeny(deny({}), 'acme-reports'), 'Bool with the string "false"');
  t.true(isSecureTransportDeny(deny({ Condition: { Bool: { 'aws:SecureTransport': false } } }), 'acme-reports'), 'Bool with a JSON boolean');
  t.true(isSecureTransportDeny(deny({ Condition: { Bool: { 'aws:SecureTransport': ['false'] } } }), 'acme-reports'), 'a list value');
  t.true(isSecureTransportDeny(deny({ Condition: { BoolIfExists: { 'aws:securetransport': 'FALSE' } } }), 'acme-reports'), 'BoolIfExists, any case');
  t.true(isSecureTransportDeny(deny({ Principal: { AWS: '*' }, Action: ['*'] }), 'acme-reports'), 'AWS "*" principal and "*" action');
  t.true(isSecureTransportDeny(deny({ Principal: { AWS: ['*'] }, Resource: 'arn:aws:s3:::acme-reports/*' }), 'acme-reports'), 'objects only');
  t.true(isSecureTransportDeny(deny({ Resource: '*' }), 'acme-reports'), 'every resource');
});

test('secureTransport: statements that do not deny all insecure requests', (t) => {
  t.false(isSecureTransportDeny(deny({ Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), 'acme-reports'), 'an Allow over TLS');
  t.false(isSecureTransportDeny(deny({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), 'acme-reports'), 'denies TLS requests');
  t.false(isSecureTransportDeny(deny({ Action: 's3:GetObject' }), 'acme-reports'), 'one action only');
  t.false(isSecureTransportDeny(deny({ Principal: { AWS: 'arn:aws:iam::222222222222:root' } }), 'acme-reports'), 'one principal only');
  t.false(isSecureTransportDeny(deny({ Resource: 'arn:aws:s3:::acme-reports' }), 'acme-reports'), 'the bucket but not its objects');
  t.false(isSecureTransportDeny(deny({ Resource: 'arn:aws:s3:::other-bucket/*' }), 'acme-reports'), 'another bucket');
  t.false(
    isSecureTransportDeny(deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }), 'acme-reports'),
    'narrowed by another condition',
  );
  t.false(isSecureTransportDeny(deny({ Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }), 'acme-reports'), 'a TLS version rule');
  t.false(isSecureTransportDeny(deny({ NotPrincipal: { AWS: 'arn:aws:iam::222222222222:root' } }), 'acme-reports'), 'NotPrincipal');
});

test('analyzeBucketPolicy: public statements, restricting conditions, compact text, bad JSON', (t) => {
  const statement = (extra: Record<string, unknown>) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', ...extra }] });
  t.true(analyzeBucketPolicy(statement({}), 'b').public);
  t.false(analyzeBucketPolicy(statement({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } } }), 'b').public);
  t.false(analyzeBucketPolicy(statement({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-acme0example' } } }), 'b').public);
  t.true(analyzeBucketPolicy(statement({ Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } } }), 'b').public);
  t.true(analyzeBucketPolicy(statement({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }), 'b').public);
  t.false(analyzeBucketPolicy(statement({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }), 'b').public);
  t.false(analyzeBucketPolicy(statement({ Principal: { Service: 'cloudtrail.amazonaws.com' } }), 'b').public);
  t.true(analyzeBucketPolicy(statement({ Principal: { AWS: ['arn:aws:iam::222222222222:root', '*'] } }), 'b').public);
  // A single statement object instead of a list is valid policy grammar.
  t.true(analyzeBucketPolicy(JSON.stringify({ Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' } }), 'b').public);

  const pretty = analyzeBucketPolicy(publicReadPolicy, 'acme-reports');
  t.true(pretty.parsed);
  t.false(pretty.compact.includes('\n'));
  t.deepEqual(JSON.parse(pretty.compact), JSON.parse(publicReadPolicy));

  const broken = analyzeBucketPolicy('{"Statement": [', 'b');
  t.false(broken.parsed);
  t.false(broken.public);
  t.is(broken.compact, '{"Statement": [');
});

test('convertS3BucketPolicy: compact document, public and secureTransport, a valid AccessPolicy', (t) => {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: [JSON.parse(publicReadPolicy).Statement[0], deny({})] }, null, 4);
  const policy = convertS3BucketPolicy({
    bucketName: 'acme-reports',
    accountId: '222222222222',
    region: 'us-east-1',
    policy: text,
    policyStatus: { IsPublic: true },
  });
  t.deepEqual(policy._class, ['AccessPolicy']);
  t.is(policy._type, 'aws_s3_bucket_policy');
  t.is(policy.policyName, 'acme-reports-policy');
  t.is(policy.bucketName, 'acme-reports');
  t.is(policy.document, JSON.stringify(JSON.parse(text)));
  t.is(policy.public, true);
  t.is(policy.secureTransport, true);
  t.is(policy.statementCount, 2);
  t.deepEqual(validateEntity(policy), []);

  const bucket = convertS3Bucket(facts({ policy: text, policyStatus: { IsPublic: true } }));
  t.is(bucket.secureTransport, true);
  t.is(bucket.public, true);
});

test('regionFromLocationConstraint: empty is us-east-1, EU is eu-west-1', (t) => {
  t.is(regionFromLocationConstraint(undefined), 'us-east-1');
  t.is(regionFromLocationConstraint(''), 'us-east-1');
  t.is(regionFromLocationConstraint('EU'), 'eu-west-1');
  t.is(regionFromLocationConstraint('ap-southeast-2'), 'ap-southeast-2');
});

test('effective public ACL grants become ALLOWS edges to Everyone with their permission', (t) => {
  const bucket = { _key: 'arn:aws:s3:::acme-staging-website', _type: 'aws_s3_bucket' } as Parameters<typeof s3BucketPublicAclGrants>[0];
  const acl = {
    Owner: { ID: 'owner-id' },
    Grants: [
      { Grantee: { Type: 'CanonicalUser' as const, ID: 'owner-id' }, Permission: 'FULL_CONTROL' as const },
      { Grantee: { Type: 'Group' as const, URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' as const },
      { Grantee: { Type: 'Group' as const, URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }, Permission: 'WRITE' as const },
      { Grantee: { Type: 'Group' as const, URI: 'http://acs.amazonaws.com/groups/s3/LogDelivery' }, Permission: 'WRITE' as const },
    ],
  };
  const edges = s3BucketPublicAclGrants(bucket, { acl });
  t.deepEqual(
    edges.map((e) => [e._toEntityKey, e._class, e.grantee, e.permission]),
    [
      ['global:everyone', 'ALLOWS', 'AllUsers', 'READ'],
      ['global:everyone', 'ALLOWS', 'AuthenticatedUsers', 'WRITE'],
    ],
  );
  t.is(edges[0]._type, 'aws_s3_bucket_allows_everyone');
  t.deepEqual(s3BucketPublicAclGrants(bucket, { acl, publicAccessBlock: { IgnorePublicAcls: true } }), []);
  t.deepEqual(s3BucketPublicAclGrants(bucket, { acl, ownership: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }), []);
});
