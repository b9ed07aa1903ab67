import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import test from 'ava';
import {
  batches,
  buildMessages,
  deliverAlerts,
  MAX_MESSAGE_BYTES,
  type AlertMessage,
  type AlertRecord,
  type DeliveryAction,
  type DeliveryOptions,
  type SnapshotRef,
} from '../../src/alerts';
import { fastRetryStrategy } from '../../src/sim/retry';
import { AwsLoopback, internalError, snsNotFound, snsThrottling, sqsThrottling } from './aws-loopback';

const SNAPSHOT: SnapshotRef = { name: '20260301T080001000Z-abc.json', graphSha256: 'a'.repeat(64), endedAt: '2026-03-01T08:00:01.000Z' };
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:security-alerts';
const CREDENTIALS = { accessKeyId: 'AKIDINGESTINGACCOUNT', secretAccessKey: 'not-a-real-secret' };

function alert(rule: string, index: number, status: AlertRecord['status'] = 'NEW', level: AlertRecord['alertLevel'] = 'HIGH', padding = 0): AlertRecord {
  return {
    rule,
    pack: 'aws',
    alertLevel: level,
    status,
    firstSeenOn: SNAPSHOT.endedAt,
    lastSeenOn: SNAPSHOT.endedAt,
    evidence: {
      key: `arn:aws:s3:::bucket-${index}`,
      query: 'query0',
      _key: `arn:aws:s3:::bucket-${index}`,
      _type: 'aws_s3_bucket',
      _accountId: '222222222222',
      displayName: `bucket-${index}${'x'.repeat(padding)}`,
    },
  };
}

const RULES = new Map([
  ['aws-s3-bucket-public', { description: 'public bucket', pack: 'aws' }],
  ['aws-ebs-volume-unencrypted', { description: 'unencrypted volume', pack: 'aws' }],
]);

function clients(server: AwsLoopback): DeliveryOptions {
  return {
    snsClient: (region) => new SNSClient({ region, endpoint: server.url, credentials: CREDENTIALS, retryStrategy: fastRetryStrategy(3)() }),
    sqsClient: (region) => new SQSClient({ region, endpoint: server.url, credentials: CREDENTIALS, retryStrategy: fastRetryStrategy(3)() }),
    sleep: async () => undefined,
  };
}

async function withServer<T>(run: (server: AwsLoopback) => Promise<T>): Promise<T> {
  const server = new AwsLoopback();
  await server.start();
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

test('SNS: one signed Publish per rule and status, with the documented JSON payload', async (t) => {
  await withServer(async (server) => {
    const alerts = [
      alert('aws-s3-bucket-public', 1),
      alert('aws-s3-bucket-public', 2),
      alert('aws-ebs-volume-unencrypted', 3, 'NEW', 'LOW'),
      alert('aws-s3-bucket-public', 4, 'RESOLVED'),
    ];
    const actions: DeliveryAction[] = [{ type: 'SEND_SNS_NOTIFICATION', topicArn: TOPIC, minLevel: 'MEDIUM', on: ['NEW', 'RESOLVED'] }];
    const report = await deliverAlerts(alerts, () => actions, RULES, SNAPSHOT, clients(server));
    t.deepEqual(report, { messages: 2, delivered: 2, failed: 0, failures: [] });
    t.is(server.requests.length, 2);
    for (const request of server.requests) {
      t.is(request.service, 'sns');
      t.is(request.action, 'Publish');
      t.is(request.body.Version, '2010-03-31');
      t.is(request.body.TopicArn, TOPIC);
      // Signed with the ingesting account's credentials, for the topic's region.
      t.regex(String(request.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDINGESTINGACCOUNT\/\d{8}\/us-east-1\/sns\/aws4_request/);
    }
    const messages = server.requests.map((request) => JSON.parse(String(request.body.Message)) as AlertMessage);
    t.deepEqual(
      messages.map((m) => [m.status, m.rule.name, m.alerts.map((a) => a.evidence.key)]),
      [
        ['NEW', 'aws-s3-bucket-public', ['arn:aws:s3:::bucket-1', 'arn:aws:s3:::bucket-2']],
        ['RESOLVED', 'aws-s3-bucket-public', ['arn:aws:s3:::bucket-4']],
      ],
    );
    t.like(messages[0], {
      format: 'aws-org-graph.alert/1',
      rule: { name: 'aws-s3-bucket-public', description: 'public bucket', pack: 'aws', alertLevel: 'HIGH' },
      snapshot: SNAPSHOT,
      part: 1,
      parts: 1,
    });
    t.is(server.requests[0].body.Subject, '[HIGH] NEW 2 alerts: aws-s3-bucket-public');
  });
});

test('SNS: a throttled Publish is retried and delivered; a missing topic is recorded, not thrown', async (t) => {
  await withServer(async (server) => {
    server.override = (request, index) => (index === 0 ? snsThrottling : request.body.TopicArn === `${TOPIC}-gone` ? snsNotFound : undefined);
    const actions: DeliveryAction[] = [
      { type: 'SEND_SNS_NOTIFICATION', topicArn: TOPIC },
      { type: 'SEND_SNS_NOTIFICATION', topicArn: `${TOPIC}-gone` },
    ];
    const report = await deliverAlerts([alert('aws-s3-bucket-public', 1)], () => actions, RULES, SNAPSHOT, clients(server));
    t.is(report.messages, 2);
    t.is(report.delivered, 1);
    t.is(report.failed, 1);
    t.like(report.failures[0], { type: 'SEND_SNS_NOTIFICATION', target: `${TOPIC}-gone`, rule: 'aws-s3-bucket-public', status: 'NEW', attempts: 1 });
    t.regex(report.failures[0].error, /NotFound/);
    // The throttled request and its retry, then the missing topic once (a client error is not retried).
    t.deepEqual(
      server.requests.map((r) => r.body.TopicArn),
      [TOPIC, TOPIC, `${TOPIC}-gone`],
    );
  });
});

test('SQS: SendMessageBatch in batches of 10, every body within 256 KiB, bodies as sent', async (t) => {
  await withServer(async (server) => {
    // 25 rules' worth of messages (one per rule), and one rule whose alerts need several messages.
    const rules = new Map(RULES);
    const alerts: AlertRecord[] = [];
    for (let index = 0; index < 25; index++) {
      rules.set(`rule-${String(index).padStart(2, '0')}`, { description: 'r', pack: 'aws' });
      alerts.push(alert(`rule-${String(index).padStart(2, '0')}`, index));
    }
    // 40 alerts of ~15 KiB each: more than 256 KiB for one rule.
    for (let index = 0; index < 40; index++) alerts.push(alert('aws-s3-bucket-public', 100 + index, 'NEW', 'HIGH', 15_000));
    const queueUrl = server.queueUrl('security-alerts');
    const report = await deliverAlerts(alerts, () => [{ type: 'SEND_SQS_MESSAGE', queueUrl, region: 'us-east-1' }], rules, SNAPSHOT, clients(server));
    t.is(report.failed, 0);
    t.is(report.delivered, report.messages);
    const bigParts = Math.ceil((40 * 15_000) / MAX_MESSAGE_BYTES);
    t.true(report.messages >= 25 + bigParts, `${report.messages} messages`);
    const sent: string[] = [];
    for (const request of server.requests) {
      t.is(request.action, 'SendMessageBatch');
      t.is(request.body.QueueUrl, queueUrl);
      const entries = request.body.Entries as Array<{ Id: string; MessageBody: string }>;
      t.true(entries.length >= 1 && entries.length <= 10);
      t.true(entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody), 0) <= MAX_MESSAGE_BYTES);
      t.regex(String(request.headers.authorization), /Credential=AKIDINGESTINGACCOUNT\/\d{8}\/us-east-1\/sqs\//);
      sent.push(...entries.map((entry) => entry.MessageBody));
    }
    t.is(sent.length, report.messages);
    const parsed = sent.map((body) => JSON.parse(body) as AlertMessage);
    const big = parsed.filter((message) => message.rule.name === 'aws-s3-bucket-public');
    t.true(big.length >= 2);
    t.true(big.every((message) => message.parts === big.length));
    t.deepEqual(
      big.flatMap((message) => message.alerts.map((a) => a.evidence.key)).sort(),
      alerts
        .slice(25)
        .map((a) => a.evidence.key)
        .sort(),
    );
  });
});

test('SQS: a throttled batch and the entries a batch reports failed are sent again; what keeps failing is recorded', async (t) => {
  await withServer(async (server) => {
    server.override = (_request, index) => (index === 0 ? sqsThrottling : undefined);
    // The first answered batch fails entry m1 (a service fault: retried) and m2 (the sender's fault: not retried).
    let answered = 0;
    server.failEntries = (request) => {
      const entries = request.body.Entries as Array<{ Id: string }>;
      if (answered++ === 0) {
        return [
          { Id: 'm1', SenderFault: false, Code: 'InternalError', Message: 'try again' },
          { Id: 'm2', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' },
        ].filter((failure) => entries.some((entry) => entry.Id === failure.Id));
      }
      return [];
    };
    const alerts = [0, 1, 2, 3].map((index) => alert(`rule-${index}`, index));
    const rules = new Map(alerts.map((a) => [a.rule, { pack: 'aws' }]));
    const queueUrl = server.queueUrl('alerts');
    const report = await deliverAlerts(alerts, () => [{ type: 'SEND_SQS_MESSAGE', queueUrl }], rules, SNAPSHOT, clients(server));
    t.is(report.messages, 4);
    t.is(report.delivered, 3);
    t.is(report.failed, 1);
    t.like(report.failures[0], { type: 'SEND_SQS_MESSAGE', target: queueUrl, rule: 'rule-2', attempts: 1 });
    t.regex(report.failures[0].error, /InvalidMessageContents/);
    // Throttled, retried whole by the SDK, then m1 alone again.
    const batchesSent = server.requests.map((request) => (request.body.Entries as Array<{ Id: string }>).map((entry) => entry.Id));
    t.deepEqual(batchesSent, [['m0', 'm1', 'm2', 'm3'], ['m0', 'm1', 'm2', 'm3'], ['m1']]);
  });
});

test('a queue that keeps failing is retried up to the attempts, then recorded', async (t) => {
  await withServer(async (server) => {
    server.override = () => internalError;
    const queueUrl = server.queueUrl('alerts');
    const report = await deliverAlerts([alert('aws-s3-bucket-public', 1)], () => [{ type: 'SEND_SQS_MESSAGE', queueUrl }], RULES, SNAPSHOT, {
      ...clients(server),
      attempts: 2,
    });
    t.like(report, { messages: 1, delivered: 0, failed: 1 });
    t.is(report.failures[0].attempts, 2);
    // Each of our two attempts is a call the SDK itself tried three times.
    t.is(server.requests.length, 6);
  });
});

test('messages and batches stay within the limits', (t) => {
  const many = Array.from({ length: 300 }, (_, index) => alert('aws-s3-bucket-public', index, 'NEW', 'HIGH', 2000));
  const messages = buildMessages({ name: 'aws-s3-bucket-public', pack: 'aws', alertLevel: 'HIGH' }, 'NEW', SNAPSHOT, many);
  t.true(messages.length > 1);
  for (const message of messages) t.true(Buffer.byteLength(message) <= MAX_MESSAGE_BYTES);
  t.is(messages.flatMap((message) => (JSON.parse(message) as AlertMessage).alerts).length, 300);
  // Evidence too large for a message is cut, its key kept.
  const huge = alert('aws-s3-bucket-public', 1, 'NEW', 'HIGH', 400_000);
  const [only] = buildMessages({ name: 'aws-s3-bucket-public', pack: 'aws', alertLevel: 'HIGH' }, 'NEW', SNAPSHOT, [huge]);
  t.true(Buffer.byteLength(only) < MAX_MESSAGE_BYTES);
  t.is((JSON.parse(only) as AlertMessage).alerts[0].evidence.key, huge.evidence.key);
  const grouped = batches(Array.from({ length: 23 }, (_, index) => ({ body: String(index) })));
  t.deepEqual(
    grouped.map((batch) => batch.length),
    [10, 10, 3],
  );
  const heavy = batches(Array.from({ length: 5 }, () => ({ body: 'x'.repeat(100_000) })));
  t.deepEqual(
    heavy.map((batch) => batch.length),
    [2, 2, 1],
  );
});
