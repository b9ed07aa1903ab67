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
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

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
      cloudTrail('k-1', 'kms', 'DisableKeyRotation', { requestParameters: { keyId: 'arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000001' } }),
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
      const ec2 = section<{ securityGroups: Array<{ id: string; name: string; vpc: string; ingress?: unknown[] }> }>(world, 'ec2');
      ec2.securityGroups.find((group) => group.id === 'sg-02221000000000104')!.ingress!.push({ protocol: 'tcp', ports: 22, cidrs: ['0.0.0.0/0'] });
      ec2.securityGroups.find((group) => group.id === 'sg-02221000000000102')!.ingress = [];
      ec2.securityGroups.push({ id: 'sg-022210000000001f1', name: 'batch', vpc: 'vpc-02221000000000001', ingress: [] });
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

    // The same batch as a narrowed run: the same graph, at the cost of the collectors' whole scope.
    const narrowed = await ingest({
      config: narrowedConfig({ ...config, outputDir: narrowDirectory }, scope as RefreshScope),
      simulate: after,
      clock: at('2026-12-06T10:05:00Z'),
    });
    t.is(narrowed.summary.snapshot.sha256, full.summary.snapshot.sha256);
    const narrowedCalls = narrowed.metadata.collectors.reduce((sum, record) => sum + record.apiCalls, 0);
    t.true(narrowedCalls > resourceCalls, `narrowed run: ${narrowedCalls} calls, per resource: ${resourceCalls}`);
    t.log(`${each.events.length} events: ${resourceCalls} calls per resource, ${narrowedCalls} in a narrowed run`);
  });
}

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
