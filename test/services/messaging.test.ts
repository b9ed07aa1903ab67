import test from 'ava';
import { resourcePolicyGrants } from '../../src/policy/resource-policy';
import { convertSnsSubscription, convertSnsTopic, convertSnsTopicPolicy, safeEndpoint, snsTopicPolicyGrants } from '../../src/services/sns/converters';
import { convertSqsQueue, convertSqsQueuePolicy } from '../../src/services/sqs/converters';
import { allSimulators } from '../../src/services';
import { generateWorld } from '../../src/sim/generate';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

// Shapes: SNS API Reference GetTopicAttributes (every attribute a string, `Policy` JSON text),
// ListSubscriptionsByTopic; SQS API Reference GetQueueAttributes (`All`), ListQueueTags.

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:My-Topic';
const TOPIC_POLICY = JSON.stringify({
  Version: '2008-10-17',
  Id: '__default_policy_ID',
  Statement: [
    {
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:Subscribe', 'SNS:Publish'],
      Resource: TOPIC,
      Condition: { StringEquals: { 'AWS:SourceOwner': '123456789012' } },
    },
    { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::210987654321:root', '123456789012'] }, Action: 'SNS:Publish', Resource: TOPIC },
  ],
});

test('convertSnsTopic: encryption, subscription counts, the default policy is not public, a partner account is cross-account access', (t) => {
  const attributes = {
    TopicArn: TOPIC,
    Owner: '123456789012',
    DisplayName: 'My Topic',
    SubscriptionsConfirmed: '1',
    SubscriptionsPending: '0',
    SubscriptionsDeleted: '0',
    KmsMasterKeyId: 'alias/aws/sns',
    Policy: TOPIC_POLICY,
    EffectiveDeliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":3}}}',
  };
  const facts = { topicArn: TOPIC, attributes, tags: [{ Key: 'owner', Value: 'ops@example.com' }], accountId: '123456789012', region: 'us-east-1' };
  const topic = convertSnsTopic(facts);
  t.like(topic, {
    _key: TOPIC,
    _type: 'aws_sns_topic',
    name: 'My-Topic',
    displayName: 'My Topic',
    encrypted: true,
    kmsKeyId: 'alias/aws/sns',
    subscriptionsConfirmed: 1,
    public: false,
    crossAccountAccess: true,
    fifoTopic: false,
    'tag.owner': 'ops@example.com',
  });
  t.deepEqual(topic._class, ['Channel']);
  t.deepEqual(snsTopicPolicyGrants(facts).accounts, [{ accountId: '210987654321', actions: ['SNS:Publish'] }]);
  const policy = convertSnsTopicPolicy(facts);
  t.like(policy, { _key: `${TOPIC}|policy`, _type: 'aws_sns_topic_policy', statementCount: 2, public: false });
  t.deepEqual(JSON.parse(String(policy?.document)), JSON.parse(TOPIC_POLICY));
});

test('convertSnsTopic: without attributes the facts are unknown, not false; an unencrypted open topic is public', (t) => {
  const unknown = convertSnsTopic({ topicArn: TOPIC, accountId: '123456789012', region: 'us-east-1' });
  t.is(unknown.encrypted, undefined);
  t.is(unknown.public, undefined);
  const open = convertSnsTopic({
    topicArn: TOPIC,
    attributes: { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sns:Subscribe', Resource: TOPIC }] }) },
    accountId: '123456789012',
    region: 'us-east-1',
  });
  t.like(open, { encrypted: false, public: true, crossAccountAccess: false });
  t.is(convertSnsTopicPolicy({ topicArn: TOPIC, attributes: {}, accountId: '123456789012', region: 'us-east-1' }), undefined);
});

test('convertSnsSubscription: confirmed and pending subscriptions; no basic-auth password reaches the graph', (t) => {
  const confirmed = convertSnsSubscription(
    {
      SubscriptionArn: `${TOPIC}:c7fe3a54-ab0e-4ec2-88e0-db410a0f2bee`,
      Owner: '123456789012',
      Protocol: 'https',
      Endpoint: 'https://user:s3cret-Pa55@hooks.example.com/sns?x=1',
      TopicArn: TOPIC,
    },
    '123456789012',
    'us-east-1',
  );
  t.like(confirmed, { _key: `${TOPIC}:c7fe3a54-ab0e-4ec2-88e0-db410a0f2bee`, confirmed: true, endpoint: 'https://hooks.example.com/sns?x=1' });
  t.false(JSON.stringify(confirmed).includes('s3cret'));
  const pending = convertSnsSubscription(
    { SubscriptionArn: 'PendingConfirmation', Owner: '123456789012', Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: TOPIC },
    '123456789012',
    'us-east-1',
  );
  t.like(pending, { confirmed: false, pendingConfirmation: true, arn: undefined, _key: `${TOPIC}|subscription|email|ops@example.com` });
  t.is(safeEndpoint('arn:aws:sqs:us-east-1:123456789012:q'), 'arn:aws:sqs:us-east-1:123456789012:q');
});

const QUEUE_URL = 'https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue';

test('convertSqsQueue: SSE-SQS, KMS and none; timestamps in epoch ms; the redrive policy', (t) => {
  const attributes = {
    QueueArn: 'arn:aws:sqs:us-east-2:123456789012:MyQueue',
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: '0',
    CreatedTimestamp: '1676665337',
    LastModifiedTimestamp: '1677110910',
    VisibilityTimeout: '30',
    MaximumMessageSize: '262144',
    MessageRetentionPeriod: '345600',
    DelaySeconds: '0',
    ReceiveMessageWaitTimeSeconds: '0',
    SqsManagedSseEnabled: 'true',
    RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-2:123456789012:MyDLQ","maxReceiveCount":1000}',
  };
  const queue = convertSqsQueue({ queueUrl: QUEUE_URL, attributes, tags: { Team: 'blue' }, accountId: '123456789012', region: 'us-east-2' });
  t.like(queue, {
    _key: 'arn:aws:sqs:us-east-2:123456789012:MyQueue',
    _type: 'aws_sqs_queue',
    encrypted: true,
    encryptionType: 'SSE-SQS',
    createdOn: 1676665337000,
    updatedOn: 1677110910000,
    deadLetterTargetArn: 'arn:aws:sqs:us-east-2:123456789012:MyDLQ',
    maxReceiveCount: 1000,
    public: false,
    'tag.Team': 'blue',
  });
  const kms = convertSqsQueue({
    queueUrl: QUEUE_URL,
    attributes: { ...attributes, SqsManagedSseEnabled: 'false', KmsMasterKeyId: 'alias/aws/sqs', RedrivePolicy: 'not json' },
    accountId: '123456789012',
    region: 'us-east-2',
  });
  t.like(kms, { encryptionType: 'SSE-KMS', kmsKeyId: 'alias/aws/sqs', deadLetterTargetArn: undefined });
  const none = convertSqsQueue({ queueUrl: QUEUE_URL, attributes: { SqsManagedSseEnabled: 'false' }, accountId: '123456789012', region: 'us-east-2' });
  t.like(none, { _key: 'arn:aws:sqs:us-east-2:123456789012:MyQueue', encrypted: false, encryptionType: 'NONE' });
});

test('convertSqsQueuePolicy and the queue policy grants: everyone, another account, a conditioned wildcard', (t) => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/reader' }, Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'] },
      { Effect: 'Allow', Principal: '*', Action: 'sqs:*', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:t' } } },
      { Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  });
  const facts = { queueUrl: QUEUE_URL, attributes: { Policy: policy }, accountId: '123456789012', region: 'us-east-2' };
  t.like(convertSqsQueue(facts), { public: true, crossAccountAccess: true });
  t.like(convertSqsQueuePolicy(facts), { _type: 'aws_sqs_queue_policy', statementCount: 4, public: true });
  const grants = resourcePolicyGrants(policy, '123456789012');
  t.deepEqual(grants.everyoneActions, ['sqs:SendMessage']);
  t.deepEqual(grants.accounts, [{ accountId: '111122223333', actions: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'] }]);
  t.false(resourcePolicyGrants('{not json', '123456789012').parsed);
  t.like(convertSqsQueue({ ...facts, attributes: { Policy: '{not json' } }), { public: undefined, crossAccountAccess: undefined });
});

test('the simulated organization yields the SNS and SQS demo cases: keys by ARN and alias, ALLOWS edges, subscriptions; all valid', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world, { config: { services: { include: ['sns', 'sqs', 'kms'] } } });
  t.deepEqual(summary.errors, []);
  // The management account's security-alerts topic (CloudWatch's alarms notify it) and the order-created rule's queue included.
  t.like(summary.counts.entities, { aws_sns_topic: 4, aws_sns_subscription: 4, aws_sns_topic_policy: 3, aws_sqs_queue: 6, aws_sqs_queue_policy: 3 });
  const get = (key: string) => graph.getEntity(key);
  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  const alerts = 'arn:aws:sns:us-east-1:222222222222:security-alerts';
  const uploads = 'arn:aws:sns:us-east-1:222222222222:public-uploads';
  const build = 'arn:aws:sns:us-west-2:333333333333:build-events';
  t.like(get(alerts), { encrypted: true, public: false, crossAccountAccess: true, subscriptionsConfirmed: 1, subscriptionsPending: 1 });
  t.like(get(uploads), { encrypted: false, public: true });
  t.like(get(build), { encrypted: true, kmsKeyId: 'alias/staging', crossAccountAccess: true });
  t.true(has(alerts, 'USES', 'arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000001'));
  // The alias resolves to the key KMS reported.
  t.true(has(build, 'USES', 'arn:aws:kms:us-west-2:333333333333:key/0a1b2c3d-3333-4aaa-8bbb-000000000001'));
  t.true(has(uploads, 'ALLOWS', 'global:everyone'));
  t.true(has(build, 'ALLOWS', 'aws:account:999988887777'));
  t.true(has(alerts, 'ALLOWS', 'aws:account:111111111111'));
  t.false(has(alerts, 'ALLOWS', 'global:everyone'), 'a service principal limited to this account is no grant to everyone');
  t.is(get('aws:account:999988887777')?._source, 'system-mapper');
  t.true(has(alerts, 'HAS', `${alerts}|policy`));
  t.true(has(alerts, 'HAS', `${alerts}:5f1d6a2e-0b7c-4e8f-9a31-2c4d6e8f0a11`));
  t.true(has(alerts, 'HAS', `${alerts}|subscription|https|https://hooks.acme.example/sns`));
  // The topic policy's grant on the topic itself, derived by the shared ALLOWS analysis.
  t.true(has(`${alerts}|policy`, 'ALLOWS', alerts));

  const queue = (name: string) => `arn:aws:sqs:us-east-1:222222222222:${name}`;
  t.like(get(queue('upload-events')), { encrypted: false, encryptionType: 'NONE', public: true });
  t.like(get(queue('payments.fifo')), { encrypted: true, encryptionType: 'SSE-KMS', fifoQueue: true, crossAccountAccess: true });
  t.like(get(queue('payments-dlq.fifo')), { encrypted: true, encryptionType: 'SSE-SQS', messageRetentionPeriod: 1209600 });
  t.true(has(queue('upload-events'), 'ALLOWS', 'global:everyone'));
  t.true(has(queue('payments.fifo'), 'ALLOWS', 'aws:account:111111111111'));
  t.true(has(queue('payments.fifo'), 'USES', 'arn:aws:kms:us-east-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000001'));
  t.true(has(`${queue('payments.fifo')}|policy`, 'ALLOWS', queue('payments.fifo')));
  // The queue that triggers a function (Lambda's fragment) is this collector's, its key named by alias.
  t.true(has('arn:aws:sqs:eu-west-1:222222222222:orders', 'USES', 'arn:aws:kms:eu-west-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000004'));
  t.deepEqual(graphIssues(graph), []);
});

test('the generator gives every account and region SNS topics with subscriptions and SQS queues, encrypted or not', async (t) => {
  const world = generateWorld({ accounts: 2, regions: 2, resourcesPerRegion: 8, pageSize: 3 }, allSimulators());
  const { graph, summary } = await simulate(world, { config: { services: { include: ['sns', 'sqs', 'kms'] } } });
  t.deepEqual(summary.errors, []);
  const topics = graph.entitiesOfType('aws_sns_topic');
  const queues = graph.entitiesOfType('aws_sqs_queue');
  t.is(topics.length, 2 * 2 * 2);
  t.is(queues.length, 2 * 2 * 4);
  t.is(graph.entitiesOfType('aws_sns_subscription').length, topics.length);
  t.is(summary.counts.relationships.aws_sns_topic_has_subscription, topics.length);
  t.true(queues.some((queue) => queue.encrypted === true) && queues.some((queue) => queue.encrypted === false));
  t.deepEqual(graphIssues(graph), []);
});
