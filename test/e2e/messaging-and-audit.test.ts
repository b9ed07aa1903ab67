import test from 'ava';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: SNS (awsQuery) and SQS (JSON 1.0,
// query-compatible), from fixtures shaped as their API References document them.

let messagingRun: Promise<CliRun> | undefined;
const messaging = () => (messagingRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--services', 'sns,sqs,kms']));

function entity(run: CliRun, key: string): Entity {
  const found = run.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

function edge(run: CliRun, from: string, verb: string, to: string): boolean {
  return run.snapshot?.relationships.some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to) ?? false;
}

const APP_KEY = `arn:aws:kms:us-east-1:${PRODUCTION}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

test('messaging: the run is clean: every request answered from the fixtures, signed, no secret written', async (t) => {
  const run = await messaging();
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.summary?.errors, []);
  t.deepEqual(run.server.unanswered(), []);
  t.deepEqual(secretLeaks(run, [...run.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
});

test('SNS over awsQuery: topics with their attribute map, subscriptions, the key by alias, the policy grants', async (t) => {
  const run = await messaging();
  const topic = (name: string) => `arn:aws:sns:us-east-1:${PRODUCTION}:${name}`;
  t.like(run.summary?.counts.entities, { aws_sns_topic: 2, aws_sns_subscription: 2, aws_sns_topic_policy: 2 });
  t.like(entity(run, topic('alerts')), {
    displayName: 'Alerts',
    encrypted: true,
    kmsKeyId: 'alias/app-data',
    public: false,
    crossAccountAccess: true,
    subscriptionsConfirmed: 1,
    subscriptionsPending: 1,
    'tag.owner': 'security@example.com',
  });
  t.like(entity(run, topic('public-feed')), { encrypted: false, public: true });
  t.true(edge(run, topic('alerts'), 'USES', APP_KEY), 'alias/app-data resolves to the key KMS reported');
  t.true(edge(run, topic('alerts'), 'HAS', `${topic('alerts')}:80289ba6-0fd4-4079-afb4-ce8c8260f0ca`));
  t.like(entity(run, `${topic('alerts')}|subscription|https|https://hooks.example.com/sns`), { confirmed: false, pendingConfirmation: true });
  t.true(edge(run, topic('alerts'), 'ALLOWS', 'aws:account:210987654321'));
  t.true(edge(run, topic('public-feed'), 'ALLOWS', 'global:everyone'));
  t.true(edge(run, `${topic('public-feed')}|policy`, 'ALLOWS', topic('public-feed')));
  // One subscription list per topic, paginated (the server's pages hold two items).
  t.is(run.server.calls().filter((c) => c.operation === 'ListSubscriptionsByTopic').length, 2);
});

test('SQS over JSON 1.0: queue attributes as text, encryption kinds, the key by ARN, the policy grants', async (t) => {
  const run = await messaging();
  const queue = (name: string) => `arn:aws:sqs:us-east-1:${PRODUCTION}:${name}`;
  t.like(run.summary?.counts.entities, { aws_sqs_queue: 3, aws_sqs_queue_policy: 2 });
  t.like(entity(run, queue('orders')), {
    url: `https://sqs.us-east-1.amazonaws.com/${PRODUCTION}/orders`,
    encrypted: true,
    encryptionType: 'SSE-KMS',
    createdOn: 1676665337000,
    deadLetterTargetArn: queue('orders-dlq'),
    crossAccountAccess: true,
    public: false,
    'tag.team': 'payments',
    classification: 'confidential',
  });
  t.like(entity(run, queue('orders-dlq')), { encrypted: true, encryptionType: 'SSE-SQS' });
  t.like(entity(run, queue('public-intake')), { encrypted: false, encryptionType: 'NONE', public: true });
  t.true(edge(run, queue('orders'), 'USES', APP_KEY));
  t.true(edge(run, queue('orders'), 'ALLOWS', 'aws:account:210987654321'));
  t.true(edge(run, queue('public-intake'), 'ALLOWS', 'global:everyone'));
});

// CloudTrail (JSON 1.1): shadow trails in every region, each trail converted in its home region.
let trailsRun: Promise<CliRun> | undefined;
// CloudWatch too: the trail's log group is a collected type, named by key (without its collector the edge is dropped).
const trails = () => (trailsRun ??= runIngest(scenario(), ['--accounts', PRODUCTION, '--services', 'cloudtrail,kms,cloudwatch']));

test('CloudTrail over JSON 1.1: the trail once (not its shadows), status, selectors, its key, bucket and log group; the organization trail as this member sees it', async (t) => {
  const run = await trails();
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.summary?.errors, []);
  t.deepEqual(run.server.unanswered(), []);
  const arn = `arn:aws:cloudtrail:us-east-1:${PRODUCTION}:trail/management-events`;
  const org = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail';
  // management-events, the organization trail, and eu-west-1's stopped single-region eu-local.
  t.is(run.summary?.counts.entities.aws_cloudtrail, 3);
  t.like(entity(run, arn), {
    isMultiRegionTrail: true,
    logFileValidationEnabled: true,
    encrypted: true,
    isLogging: true,
    latestDeliveryOn: 1733443200000,
    managementReadWriteType: 'All',
    s3ObjectReadEventsLogged: true,
    s3ObjectWriteEventsLogged: true,
    s3ObjectEventsAllBuckets: false,
    'tag.owner': 'security@example.com',
  });
  t.like(entity(run, `${org}|member:${PRODUCTION}`), {
    accountId: PRODUCTION,
    ownerAccountId: '111111111111',
    isOrganizationTrail: true,
    organizationTrailMember: true,
    logFileValidationEnabled: false,
    advancedEventSelectors: true,
    managementEventsLogged: true,
    s3ObjectWriteEventsLogged: false,
  });
  t.true(edge(run, arn, 'USES', APP_KEY));
  t.true(edge(run, arn, 'LOGS', 'arn:aws:s3:::amzn-s3-demo-bucket'));
  t.true(edge(run, arn, 'LOGS', `arn:aws:logs:us-east-1:${PRODUCTION}:log-group:trail-logs`));
  // Status and selectors are read once per trail, in its home region only.
  t.is(run.server.calls().filter((c) => c.operation === 'GetEventSelectors').length, 3);
  t.true(run.server.calls().filter((c) => c.operation === 'DescribeTrails').length > 1);
});
