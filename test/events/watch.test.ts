/**
 * The watcher's batches against a loopback SQS queue through the SDK (JSON 1.0 on the wire):
 * duplicate deliveries are one event, events no collector declares are deleted, a poison message
 * is released until the redrive policy moves it to the dead-letter queue, and a failed refresh
 * releases its messages for the next batch. Nothing is deleted before the refresh resolves.
 */
import test from 'ava';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsEventQueue } from '../../src/events/sqs-queue';
import { watchBatch, type EventQueue, type WatchLogEvent } from '../../src/events/watch';
import type { RefreshScope, RoutableCollector } from '../../src/events/route';
import { LoopbackSqs } from './helpers/loopback-sqs';

const collectors: RoutableCollector[] = [
  {
    id: 'ec2-security-groups',
    service: 'ec2',
    scope: 'regional',
    events: [
      { source: 'ec2.amazonaws.com', names: ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress'], resourceIds: ['requestParameters.groupId'] },
    ],
  },
  {
    id: 'iam-roles',
    service: 'iam',
    scope: 'global',
    events: [{ source: 'iam.amazonaws.com', names: ['CreateRole', 'DeleteRole'], resourceIds: ['requestParameters.roleName'] }],
  },
  { id: 's3-buckets', service: 's3', scope: 'global' },
];

/** An EventBridge event carrying a CloudTrail record, shaped as EventBridge delivers it to SQS. */
function cloudTrailEvent(
  id: string,
  account: string,
  region: string,
  source: string,
  name: string,
  time: string,
  requestParameters: Record<string, unknown>,
): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${source.split('.')[0]}`,
    account,
    time,
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', accountId: account },
      eventTime: time,
      eventSource: source,
      eventName: name,
      awsRegion: region,
      sourceIPAddress: '203.0.113.10',
      requestParameters,
      responseElements: { _return: true },
      eventID: `${id}-ct`,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
    },
  });
}

async function setUp(t: { teardown(fn: () => Promise<void> | void): void }) {
  const clock = virtualClock();
  const sqs = new LoopbackSqs('111111111111', 3);
  await sqs.start();
  const client = new SQSClient({ region: 'us-east-1', endpoint: sqs.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  t.teardown(async () => {
    client.destroy();
    await sqs.stop();
  });
  return { sqs, clock, sqsQueue: new SqsEventQueue(client, sqs.queueUrl), queue: onClock(new SqsEventQueue(client, sqs.queueUrl), clock) };
}

/** A virtual clock that a receive with nothing to say moves on by its wait (as a long poll would). */
function virtualClock() {
  let now = Date.parse('2026-12-06T12:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** The queue on a virtual clock: an empty receive takes its whole wait. */
function onClock(
  queue: EventQueue,
  clock: ReturnType<typeof virtualClock>,
  arrivals: (call: number) => void = () => undefined,
): EventQueue & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    async receive(wait) {
      waits.push(wait);
      arrivals(waits.length);
      const got = await queue.receive(wait);
      if (got.length === 0) clock.advance(wait * 1000);
      return got;
    },
    delete: (messages) => queue.delete(messages),
    release: (messages) => queue.release(messages),
  };
}

test('a batch: one refresh for the events collectors declare, duplicates once, the rest deleted, poison released', async (t) => {
  const { sqs, queue, clock } = await setUp(t);
  const first = cloudTrailEvent('e-1', '222222222222', 'eu-west-1', 'ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', '2026-12-06T11:59:58Z', {
    groupId: 'sg-0aa',
  });
  sqs.send(first);
  sqs.send(first); // EventBridge delivers at least once
  sqs.send(cloudTrailEvent('e-2', '333333333333', 'us-east-1', 'iam.amazonaws.com', 'CreateRole', '2026-12-06T11:59:59Z', { roleName: 'deploy' }));
  sqs.send(cloudTrailEvent('e-3', '222222222222', 'eu-west-1', 'ec2.amazonaws.com', 'CreateTags', '2026-12-06T11:59:57Z', { resourcesSet: {} }));
  sqs.send('{"detail-type": "Scheduled Event"}');
  const refreshed: Array<{ scope: RefreshScope; events: string[]; depthDuringRefresh: number }> = [];
  const log: WatchLogEvent[] = [];
  const outcome = await watchBatch({
    queue,
    collectors,
    now: clock.now,
    refresh: async (scope, events) => void refreshed.push({ scope, events: events.map((e) => e.id), depthDuringRefresh: sqs.depth }),
    log: (event) => log.push(event),
  });
  t.deepEqual(
    refreshed.map((r) => r.scope),
    [
      {
        accounts: ['222222222222', '333333333333'],
        regions: ['eu-west-1'],
        services: ['ec2', 'iam'],
        collectors: ['ec2-security-groups', 'iam-roles'],
        resourceIds: { 'ec2-security-groups': ['sg-0aa'], 'iam-roles': ['deploy'] },
      },
    ],
  );
  t.deepEqual(refreshed[0]?.events.sort(), ['e-1', 'e-2', 'e-3']);
  t.is(refreshed[0]?.depthDuringRefresh, 5, 'nothing is deleted before the refresh is done');
  t.like(outcome, { messages: 5, applied: 2, unmatched: 1, poison: 1, failed: false });
  t.is(sqs.depth, 1, 'only the poison message is left');
  t.true(log.some((entry) => entry.event === 'poison' && /detail-type is "Scheduled Event"/.test(entry.reason)));

  // The poison message comes back each batch until the redrive policy takes it (maxReceiveCount 3).
  for (let batch = 0; batch < 3; batch++) await watchBatch({ queue, collectors, now: clock.now, refresh: async () => t.fail('nothing to refresh') });
  t.is(sqs.depth, 0);
  t.is(sqs.deadLetters.length, 1);
  t.true(sqs.calls.includes('ChangeMessageVisibilityBatch') && sqs.calls.includes('DeleteMessageBatch'));
});

test('a failed refresh releases its messages; the next batch applies them and deletes them', async (t) => {
  const { sqs, queue, clock } = await setUp(t);
  sqs.send(
    cloudTrailEvent('e-9', '222222222222', 'us-east-1', 'ec2.amazonaws.com', 'RevokeSecurityGroupIngress', '2026-12-06T11:00:00Z', { groupId: 'sg-0bb' }),
  );
  const failed = await watchBatch({ queue, collectors, now: clock.now, refresh: async () => Promise.reject(new Error('ThrottlingException')) });
  t.true(failed.failed);
  t.is(sqs.depth, 1);
  let scope: RefreshScope | undefined;
  const retried = await watchBatch({ queue, collectors, now: clock.now, refresh: async (s) => void (scope = s) });
  t.false(retried.failed);
  t.deepEqual(scope?.collectors, ['ec2-security-groups']);
  t.is(sqs.depth, 0);
});

test('a batch gathers until its window closes (virtual time): the first receive may wait the whole window', async (t) => {
  const { sqs, clock, sqsQueue } = await setUp(t);
  // Nothing arrives during the first window; an event arrives in the second.
  const timed = onClock(sqsQueue, clock, (call) => {
    if (call === 2)
      sqs.send(cloudTrailEvent('e-late', '222222222222', 'us-east-1', 'iam.amazonaws.com', 'DeleteRole', '2026-12-06T12:00:04Z', { roleName: 'old' }));
  });
  let scope: RefreshScope | undefined;
  const started = clock.now();
  const outcome = await watchBatch({ queue: timed, collectors, windowMs: 30_000, now: clock.now, refresh: async (s) => void (scope = s) });
  t.deepEqual(timed.waits, [20, 10, 0], 'a long poll of at most 20 s, then what is left of the window, then no wait once something came');
  t.is(clock.now() - started, 20_000);
  t.is(outcome.applied, 1);
  t.deepEqual(scope?.accounts, ['222222222222']);
  t.deepEqual(scope?.regions, [], 'a global collector needs no region');
  const empty = await watchBatch({ queue: timed, collectors, windowMs: 30_000, now: clock.now, refresh: async () => t.fail('no events') });
  t.is(empty.messages, 0, 'an empty window ends without a refresh');
});
