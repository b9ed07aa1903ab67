/**
 * Per-resource refresh: a batch whose events all name resources their collector can read alone
 * (KMS keys, security groups) reads only those, and the snapshot has a full run's graph; the same
 * batch through a narrowed run (the collector's whole scope) costs many more calls.
 */
import { cpSync } from 'node:fs';
import test from 'ava';
import { applyRefresh } from '../../src/events/apply';
import { narrowedConfig } from '../../src/events/refresh';
import { refreshableByResource } from '../../src/events/resource-refresh';
import { parseEvent, scopeOfEvents, type RefreshScope } from '../../src/events/route';
import { ingest } from '../../src/ingest';
import { allCollectors } from '../../src/services';
import type { World } from '../../src/sim/types';
import type { WorldSecurityGroup } from '../../src/services/ec2/sim/world';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';
import type { WorldIam } from '../../src/services/iam/sim/simulator';

const PRODUCTION = '222222222222';
const at = (iso: string) => () => new Date(iso);

function cloudTrail(id: string, source: string, name: string, detail: Record<string, unknown>, region = 'us-east-1'): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${source}`,
    account: PRODUCTION,
    time: '2026-12-06T10:01:00Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.08',
      eventTime: '2026-12-06T10:01:00Z',
      eventSource: `${source}.amazonaws.com`,
      eventName: name,
      awsRegion: region,
      recipientAccountId: PRODUCTION,
      eventType: 'AwsApiCall',
      readOnly: false,
      ...detail,
    },
  });
}

function section<T>(world: World, service: string, region = 'us-east-1'): T {
  return world.accounts.find((account) => account.id === PRODUCTION)!.regions![region]![service] as T;
}

interface Case {
  title: string;
  change(world: World): void;
  events: string[];
  expectedCalls: number;
}

const cases: Case[] = [
  {
    title: 'KMS keys: rotation turned off, a key created, a key deleted',
    change(world) {
      const kms = section<{ keys: Array<Record<string, unknown>> }>(world, 'kms');
      kms.keys[0]!.rotation = false;
      kms.keys.push({ id: '0a1b2c3d-2222-4aaa-8bbb-0000000000f1', description: 'orders', createdAt: '2026-12-06T10:00:00Z', aliases: ['alias/orders'] });
      kms.keys.splice(
        kms.keys.findIndex((key) => key.id === '0a1b2c3d-2222-4aaa-8bbb-000000000003'),
        1,
      );
    },
    events: [
      cloudTrail('k-1', 'kms', 'DisableKeyRotation', {
        requestParameters: { keyId: 'arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000001' },
      }),
      cloudTrail('k-2', 'kms', 'CreateKey', {
        requestParameters: { description: 'orders', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' },
        responseElements: { keyMetadata: { keyId: '0a1b2c3d-2222-4aaa-8bbb-0000000000f1', keyState: 'Enabled' } },
      }),
      cloudTrail('k-3', 'kms', 'TagResource', { requestParameters: { keyId: '0a1b2c3d-2222-4aaa-8bbb-0000000000f1', tags: [] } }),
      // The key pending deletion is gone: DescribeKey answers NotFoundException.
      cloudTrail('k-4', 'kms', 'ScheduleKeyDeletion', { requestParameters: { keyId: '0a1b2c3d-2222-4aaa-8bbb-000000000003', pendingWindowInDays: 7 } }),
    ],
    // Existing key: DescribeKey, ListAliases, GetKeyRotationStatus, ListResourceTags; new key the same; gone key: DescribeKey.
    expectedCalls: 9,
  },
  {
    title: 'security groups: SSH opened on one, a rule revoked on another, a group created',
    change(world) {
      const ec2 = section<{ securityGroups: WorldSecurityGroup[] }>(world, 'ec2');
      const group = (id: string) => ec2.securityGroups.find(({ GroupId }) => GroupId === id)!;
      group('sg-02221000000000104').IpPermissions!.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
      group('sg-02221000000000102').IpPermissions = [];
      ec2.securityGroups.push({ GroupId: 'sg-022210000000001f1', GroupName: 'batch', VpcId: 'vpc-02221000000000001', IpPermissions: [] });
    },
    events: [
      cloudTrail('s-1', 'ec2', 'AuthorizeSecurityGroupIngress', { requestParameters: { groupId: 'sg-02221000000000104' } }),
      cloudTrail('s-2', 'ec2', 'RevokeSecurityGroupIngress', { requestParameters: { groupId: 'sg-02221000000000102' } }),
      cloudTrail('s-3', 'ec2', 'CreateSecurityGroup', {
        requestParameters: { groupName: 'batch', groupDescription: 'batch', vpcId: 'vpc-02221000000000001' },
        responseElements: { _return: true, groupId: 'sg-022210000000001f1' },
      }),
    ],
    expectedCalls: 3,
  },
  {
    title: 'S3 buckets: a policy removed, a bucket created, a bucket deleted',
    change(world) {
      const s3 = section<{ buckets: Array<Record<string, unknown>> }>(world, 's3');
      delete s3.buckets.find((bucket) => bucket.Name === 'acme-prod-public-assets')!.Policy;
      s3.buckets.push({
        Name: 'acme-prod-reports',
        CreationDate: '2026-12-06T10:00:30Z',
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }],
      });
      // A bucket no other service names: a bucket refresh does not rerun the collectors of other
      // services that name a deleted bucket (Access Analyzer's findings; docs/event-streaming.md, Limits).
      const euBuckets = section<{ buckets: Array<Record<string, unknown>> }>(world, 's3', 'eu-west-1').buckets;
      const gone = euBuckets.findIndex((bucket) => bucket.Name === 'acme-prod-audit-archive-eu');
      if (gone < 0) throw new Error('the demo world has no acme-prod-audit-archive-eu');
      euBuckets.splice(gone, 1);
    },
    events: [
      cloudTrail('b-1', 's3', 'DeleteBucketPolicy', {
        requestParameters: { bucketName: 'acme-prod-public-assets', Host: 'acme-prod-public-assets.s3.amazonaws.com', policy: '' },
      }),
      cloudTrail('b-2', 's3', 'CreateBucket', { requestParameters: { bucketName: 'acme-prod-reports', Host: 's3.amazonaws.com' } }),
      cloudTrail('b-3', 's3', 'PutBucketAcl', { requestParameters: { bucketName: 'acme-prod-reports', AccessControlPolicy: {} } }),
      cloudTrail('b-4', 's3', 'DeleteBucket', { requestParameters: { bucketName: 'acme-prod-audit-archive-eu', Host: 's3.amazonaws.com' } }),
    ],
    // Per bucket: ListBuckets (prefix) and its 9 unconditional configuration reads; a gone bucket:
    // ListBuckets alone. Neither bucket has a policy or was ever versioned, so neither gets the policy
    // status, replication or Object Lock read (src/services/s3/collectors.ts, afterPolicy/afterVersioning).
    expectedCalls: 21,
  },
];

for (const each of cases) {
  test(`${each.title}: read alone, the graph a full run gives`, async (t) => {
    const before = builtinWorld();
    const directory = temporaryDirectory();
    await simulate(before, { outputDir: directory, clock: at('2026-12-06T10:00:00Z') });
    const after = builtinWorld();
    each.change(after);
    const fullDirectory = temporaryDirectory();
    cpSync(directory, fullDirectory, { recursive: true });
    const full = await simulate(after, { outputDir: fullDirectory, clock: at('2026-12-06T10:05:00Z') });
    const narrowDirectory = temporaryDirectory();
    cpSync(directory, narrowDirectory, { recursive: true });

    const { scope } = scopeOfEvents(each.events.map(parseEvent), allCollectors());
    t.true(refreshableByResource(scope!), 'every event names a resource its collector reads alone');
    const config = { outputDir: directory, organization: { managementAccountId: after.organization.managementAccountId } };
    const applied = await applyRefresh({ config, simulate: after, clock: at('2026-12-06T10:05:00Z') }, scope!);
    t.is(applied.mode, 'resource');
    t.is(applied.result.summary.snapshot.sha256, full.summary.snapshot.sha256, 'incremental equals full');
    const resourceCalls = applied.result.metadata.collectors.reduce((sum, record) => sum + record.apiCalls, 0);
    t.is(resourceCalls, each.expectedCalls, 'the resource reads, and nothing else');

    // The same batch as a narrowed run (before per-resource refresh): the collectors' whole services.
    const narrowed = await ingest({
      config: narrowedConfig({ ...config, outputDir: narrowDirectory }, scope as RefreshScope),
      simulate: after,
      clock: at('2026-12-06T10:05:00Z'),
    });
    const narrowedCalls = narrowed.metadata.collectors.reduce((sum, record) => sum + record.apiCalls, 0);
    t.true(narrowedCalls > resourceCalls, `narrowed run: ${narrowedCalls} calls, per resource: ${resourceCalls}`);
    t.log(`${each.events.length} events: ${resourceCalls} calls per resource, ${narrowedCalls} in a narrowed run`);
  });
}

test('events without a resource to read alone run their collectors again over the snapshot, with those that read them', async (t) => {
  const before = builtinWorld();
  const directory = temporaryDirectory();
  await simulate(before, { outputDir: directory, clock: at('2026-12-06T10:00:00Z') });
  const after = builtinWorld();
  // An alias moved to another key (S3 buckets and EBS volumes resolve aliases), a role created, an instance launched.
  const kms = section<{ keys: Array<{ id: string; aliases?: string[] }> }>(after, 'kms');
  kms.keys.find((key) => key.id === '0a1b2c3d-2222-4aaa-8bbb-000000000001')!.aliases = [];
  kms.keys.find((key) => key.id === '0a1b2c3d-2222-4aaa-8bbb-000000000002')!.aliases = ['alias/legacy', 'alias/app-data'];
  const iam = after.accounts.find((account) => account.id === PRODUCTION)!.global!.iam as WorldIam;
  iam.roles?.push({
    RoleName: 'batch-runner',
    CreateDate: '2026-12-06T10:00:40Z',
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    AttachedManagedPolicies: [{ PolicyName: 'SecurityAudit' }],
  });
  const ec2 = section<{ instances: Array<Record<string, unknown>> }>(after, 'ec2');
  ec2.instances.push({
    InstanceId: 'i-022210000000002f1',
    InstanceType: 't3.small',
    SubnetId: 'subnet-02221000000000013',
    SecurityGroups: [{ GroupId: 'sg-02221000000000104' }],
    LaunchTime: '2026-12-06T10:00:50Z',
  });
  const fullDirectory = temporaryDirectory();
  cpSync(directory, fullDirectory, { recursive: true });
  // Every service: Config reads IAM's entities (it names principals by unique id), so an IAM event
  // runs it again in every region it ran in; Access Analyzer and GuardDuty name roles, buckets and
  // access keys by key and are not run again.
  const full = await simulate(after, { outputDir: fullDirectory, clock: at('2026-12-06T10:05:00Z') });

  const events = [
    cloudTrail('c-1', 'kms', 'UpdateAlias', { requestParameters: { aliasName: 'alias/app-data', targetKeyId: '0a1b2c3d-2222-4aaa-8bbb-000000000002' } }),
    cloudTrail('c-2', 'iam', 'CreateRole', { requestParameters: { roleName: 'batch-runner' } }, 'us-east-1'),
    cloudTrail('c-4', 'iam', 'AttachRolePolicy', { requestParameters: { roleName: 'batch-runner', policyArn: 'arn:aws:iam::aws:policy/SecurityAudit' } }),
    cloudTrail('c-3', 'ec2', 'RunInstances', { responseElements: { instancesSet: { items: [{ instanceId: 'i-022210000000002f1' }] } } }),
  ];
  const { scope } = scopeOfEvents(events.map(parseEvent), allCollectors());
  const config = { outputDir: directory, organization: { managementAccountId: after.organization.managementAccountId } };
  const applied = await applyRefresh({ config, simulate: after, clock: at('2026-12-06T10:05:00Z') }, scope!);
  t.is(applied.mode, 'collector', applied.fallback);
  t.is(applied.result.summary.snapshot.sha256, full.summary.snapshot.sha256, 'incremental equals full');
  const ran = [...new Set(applied.result.metadata.collectors.map((record) => record.collector))].sort();
  t.true(
    ['kms-keys', 's3-buckets', 'ec2-volumes', 'ec2-instances', 'iam-roles', 'config-rules'].every((id) => ran.includes(id)),
    ran.join(', '),
  );
  t.false(
    ['accessanalyzer-analyzers', 'guardduty-detectors', 'inspector-findings'].some((id) => ran.includes(id)),
    ran.join(', '),
  );
  // Config, a regional reader of the global iam-roles, ran again in every region of the account.
  const configRegions = applied.result.metadata.collectors.filter((record) => record.collector === 'config-rules' && record.accountId === PRODUCTION);
  t.deepEqual(configRegions.map((record) => record.region).sort(), ['eu-west-1', 'us-east-1', 'us-west-2']);
});

test('a batch with an event its collector cannot read alone refreshes the collector in scope', (t) => {
  const { scope } = scopeOfEvents(
    [
      cloudTrail('a-1', 'kms', 'EnableKeyRotation', { requestParameters: { keyId: '0a1b2c3d-2222-4aaa-8bbb-000000000001' } }),
      cloudTrail('a-2', 'kms', 'CreateAlias', { requestParameters: { aliasName: 'alias/x', targetKeyId: '0a1b2c3d-2222-4aaa-8bbb-000000000001' } }),
    ].map(parseEvent),
    allCollectors(),
  );
  t.deepEqual(scope!.targets, [{ account: PRODUCTION, region: 'us-east-1', collector: 'kms-keys' }]);
  t.false(refreshableByResource(scope!));
  const named = scopeOfEvents([cloudTrail('a-3', 'ec2', 'DeleteSecurityGroup', { requestParameters: { groupName: 'old' } })].map(parseEvent), allCollectors());
  t.deepEqual(named.scope!.targets, [{ account: PRODUCTION, region: 'us-east-1', collector: 'ec2-firewalls' }], 'a group named only by name');
});
