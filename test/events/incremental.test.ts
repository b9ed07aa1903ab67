/**
 * Incremental equals full: after a world changes, the snapshot that `orggraph watch` writes from
 * the change's CloudTrail events (through a loopback SQS queue and the SDK) has the same graph
 * sha256 as a full run over the changed world from the same previous snapshot, and replaying the
 * batch changes nothing.
 */
import { cpSync } from 'node:fs';
import test from 'ava';
import { SQSClient } from '@aws-sdk/client-sqs';
import { narrowedConfig } from '../../src/events/refresh';
import { SqsEventQueue } from '../../src/events/sqs-queue';
import { watchBatch } from '../../src/events/watch';
import { allCollectors } from '../../src/services';
import { withStoreLock } from '../../src/snapshot/lock';
import type { World } from '../../src/sim/types';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';
import { LoopbackSqs } from './helpers/loopback-sqs';

const PRODUCTION = '222222222222';

interface WorldGroup {
  GroupId: string;
  IpPermissions?: Array<Record<string, unknown>>;
}

function group(world: World, id: string): WorldGroup {
  const groups = (world.accounts.find((a) => a.id === PRODUCTION)?.regions?.['us-east-1']?.ec2 as { securityGroups: WorldGroup[] }).securityGroups;
  return groups.find((g) => g.GroupId === id)!;
}

function event(id: string, name: string, groupId: string, time: string): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: PRODUCTION,
    time,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventTime: time,
      eventSource: 'ec2.amazonaws.com',
      eventName: name,
      awsRegion: 'us-east-1',
      requestParameters: { groupId },
      eventType: 'AwsApiCall',
      readOnly: false,
    },
  });
}

test('a watched change gives the graph a full run gives, and a replay changes nothing', async (t) => {
  const directory = temporaryDirectory();
  const before = builtinWorld();
  const at = (iso: string) => () => new Date(iso);
  await simulate(before, { outputDir: directory, clock: at('2026-12-06T10:00:00Z') });

  // The change: port 22 opened on the app servers, the bastion's SSH rule revoked.
  const after = builtinWorld();
  group(after, 'sg-02221000000000104').IpPermissions!.push({
    IpProtocol: 'tcp',
    FromPort: 22,
    ToPort: 22,
    IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'debug' }],
  });
  group(after, 'sg-02221000000000102').IpPermissions = [];

  // A full run over the changed world, from a copy of the same previous snapshot.
  const fullDirectory = temporaryDirectory();
  cpSync(directory, fullDirectory, { recursive: true });
  const full = await simulate(after, { outputDir: fullDirectory, clock: at('2026-12-06T10:05:00Z') });

  const sqs = new LoopbackSqs();
  await sqs.start();
  const client = new SQSClient({ region: 'us-east-1', endpoint: sqs.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  t.teardown(async () => {
    client.destroy();
    await sqs.stop();
  });
  sqs.send(event('e-2', 'RevokeSecurityGroupIngress', 'sg-02221000000000102', '2026-12-06T10:01:00Z'));
  sqs.send(event('e-1', 'AuthorizeSecurityGroupIngress', 'sg-02221000000000104', '2026-12-06T10:00:30Z'));
  const base = { outputDir: directory, organization: { managementAccountId: before.organization.managementAccountId } };
  const written: string[] = [];
  const runs: Array<{ accounts?: string[]; regions?: string[]; services?: string[] }> = [];
  const refresh = async (scope: Parameters<typeof narrowedConfig>[1]) => {
    const config = narrowedConfig(base, scope);
    runs.push({ accounts: config.accounts?.map((a) => a.id), regions: config.regions?.include, services: config.services?.include });
    const result = await withStoreLock(directory, () => simulate(after, { outputDir: directory, config, clock: at('2026-12-06T10:05:00Z') }));
    written.push(result.summary.snapshot.sha256);
  };
  const queue = new SqsEventQueue(client, sqs.queueUrl);
  let now = Date.parse('2026-12-06T10:04:50Z');
  const outcome = await watchBatch({ queue, collectors: allCollectors(), refresh, windowMs: 10_000, now: () => (now += 1000) });
  t.is(outcome.applied, 2);
  t.deepEqual(runs, [{ accounts: [PRODUCTION], regions: ['us-east-1'], services: ['ec2'] }], 'one narrowed run: the account, region and service of the events');
  t.is(written[0], full.summary.snapshot.sha256, 'incremental equals full');
  t.is(sqs.depth, 0, 'the messages are deleted once the snapshot is written');

  // At-least-once delivery: the same events again change nothing.
  sqs.send(event('e-1', 'AuthorizeSecurityGroupIngress', 'sg-02221000000000104', '2026-12-06T10:00:30Z'));
  sqs.send(event('e-2', 'RevokeSecurityGroupIngress', 'sg-02221000000000102', '2026-12-06T10:01:00Z'));
  await watchBatch({ queue, collectors: allCollectors(), refresh, windowMs: 10_000, now: () => (now += 1000) });
  t.is(written[1], written[0]);
});
