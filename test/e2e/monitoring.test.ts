import test from 'ava';
import type { Entity } from '../../src/graph';
import { BASE_CREDENTIALS, PRODUCTION, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end through the CLI and the loopback AWS of test/wire: the monitoring and security
// services over their own wire protocols (CloudWatch JSON 1.0, CloudWatch Logs and EventBridge
// JSON 1.1), from fixtures shaped as their API References document them.

let monitoringRun: Promise<CliRun> | undefined;
const monitoring = () =>
  (monitoringRun ??= runIngest(scenario(), [
    '--accounts',
    PRODUCTION,
    '--services',
    // With the services the edges reach (collected types are named by key: without their collector the edge is dropped).
    'cloudwatch,guardduty,config,accessanalyzer,inspector,lambda,kms,ec2,s3,iam,sns,sqs',
  ]));

function entity(run: CliRun, key: string): Entity {
  const found = run.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

function edge(run: CliRun, from: string, verb: string, to: string): boolean {
  return run.snapshot?.relationships.some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to) ?? false;
}

const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${PRODUCTION}:${resource}`;

test('the run is clean: every request answered from the fixtures, signed, no secret written', async (t) => {
  const run = await monitoring();
  t.is(run.code, 0, run.stderr);
  t.deepEqual(run.summary?.errors, []);
  t.deepEqual(run.server.unanswered(), []);
  t.deepEqual(secretLeaks(run, [...run.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
});

test('CloudWatch Logs over JSON 1.1: log groups with retention, KMS key and metric filters', async (t) => {
  const run = await monitoring();
  const trail = arn('logs', 'log-group:trail-logs');
  t.like(entity(run, trail), { retentionInDays: 365, neverExpires: false, kmsEncrypted: true, 'tag.Team': 'security', createdOn: 1393545600000 });
  t.like(entity(run, arn('logs', 'log-group:/aws/lambda/my-function')), { neverExpires: true, kmsEncrypted: false });
  t.true(edge(run, trail, 'USES', arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab')));
  const filter = `${trail}:metric-filter:root-account-usage`;
  t.like(entity(run, filter), { metricName: 'RootAccountUsage', metricNamespace: 'CISBenchmark' });
  t.true(edge(run, trail, 'HAS', filter));
});

test('CloudWatch over JSON 1.0: alarms, the metric filter they watch and the SNS topics they notify', async (t) => {
  const run = await monitoring();
  const root = arn('cloudwatch', 'alarm:cis-root-account-usage');
  t.like(entity(run, root), { stateValue: 'OK', threshold: 1, 'tag.control': 'CIS-4.3', updatedOn: 1396310400000 });
  t.true(edge(run, root, 'MONITORS', `${arn('logs', 'log-group:trail-logs')}:metric-filter:root-account-usage`));
  const topic = arn('sns', 'alerts');
  t.true(edge(run, root, 'NOTIFIES', topic));
  t.like(entity(run, topic), { _type: 'aws_sns_topic', name: 'alerts' });
  t.not(entity(run, topic)._source, 'system-mapper', "SNS's own topic, not a stand-in");
  // The EC2 reboot action stays a property.
  t.deepEqual(entity(run, arn('cloudwatch', 'alarm:web-high-cpu')).alarmActions, [arn('sns', 'ops'), 'arn:aws:automate:us-east-1:ec2:reboot']);
});

test('EventBridge over JSON 1.1: rules of every bus and what they trigger', async (t) => {
  const run = await monitoring();
  const nightly = arn('events', 'rule/nightly');
  t.like(entity(run, nightly), { enabled: true, scheduleExpression: 'cron(0 2 * * ? *)', 'tag.Team': 'payments', targetCount: 1 });
  t.true(edge(run, nightly, 'TRIGGERS', arn('lambda', 'function:my-function')));
  const orders = arn('events', 'rule/orders/order-created');
  t.like(entity(run, orders), { enabled: false, eventBusName: 'orders' });
  t.true(edge(run, orders, 'TRIGGERS', arn('sqs', 'orders')));
});

test('GuardDuty over REST-JSON: detector IDENTIFIED findings, the instance and bucket HAS them, regions without it recorded', async (t) => {
  const run = await monitoring();
  const detector = arn('guardduty', 'detector/12abc34d567e8fa901bc2d34e56789f0');
  const ssh = `${detector}/finding/7ec2f1a0b3d94e58a6c7b8d9e0f1a2b3`;
  const s3 = `${detector}/finding/9a1b2c3d4e5f60718293a4b5c6d7e8f9`;
  t.like(entity(run, detector), { enabled: true, 'tag.Team': 'security', enabledFeatures: ['S3_DATA_EVENTS'] });
  t.like(entity(run, ssh), { severity: 'high', numericSeverity: 8, open: true, createdOn: Date.parse('2025-11-20T08:14:02.117Z') });
  t.like(entity(run, s3), { severity: 'low', open: false });
  t.true(edge(run, detector, 'IDENTIFIED', ssh));
  t.true(edge(run, arn('ec2', 'instance/i-1234567890abcdef0'), 'HAS', ssh));
  t.true(edge(run, `arn:aws:s3:::${PRODUCTION}-app-data`, 'HAS', s3));
  const service = entity(run, `aws:${PRODUCTION}:service:guardduty`);
  // eu-west-1's detector is suspended: not enabled, recorded on the service entity, not as an error.
  t.like(service, { 'enabled.us-east-1': true, 'enabled.eu-west-1': false, disabledRegions: ['eu-west-1'] });
});

test('Config over JSON 1.1: rules EVALUATE the account and resources with their compliance; the recorder as CIS reads it', async (t) => {
  const run = await monitoring();
  const mfa = arn('config', 'config-rule/config-rule-a1b2c3');
  const volumes = arn('config', 'config-rule/config-rule-d4e5f6');
  t.like(entity(run, mfa), { complianceState: 'COMPLIANT', sourceIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED' });
  t.like(entity(run, volumes), { complianceState: 'NON_COMPLIANT', nonCompliantResourceCount: 1 });
  t.true(edge(run, mfa, 'EVALUATES', `aws:account:${PRODUCTION}`));
  const evaluation = run.snapshot?.relationships.find((r) => r._fromEntityKey === volumes && r._class === 'EVALUATES');
  t.like(evaluation, { _toEntityKey: arn('ec2', 'volume/vol-049df61146c4d7901'), complianceState: 'NON_COMPLIANT' });
  t.like(entity(run, arn('config', 'configuration-recorder/default/a1b2c3d4e5f6a7b8')), {
    recording: true,
    allSupported: true,
    includeGlobalResourceTypes: true,
  });
  t.like(entity(run, arn('config', 'delivery-channel/default')), { s3BucketName: `${PRODUCTION}-app-data` });
  t.like(entity(run, `aws:${PRODUCTION}:service:config`), { 'recording.us-east-1': true, 'recording.eu-west-1': false, notRecordingRegions: ['eu-west-1'] });
});

test('IAM Access Analyzer over REST-JSON: findings linked to the bucket, role and key they name; CIS analyzer per region', async (t) => {
  const run = await monitoring();
  const analyzer = `arn:aws:access-analyzer:us-east-1:${PRODUCTION}:analyzer/account-analyzer`;
  const finding = (id: string) => `${analyzer}/finding/${id}`;
  t.like(entity(run, analyzer), { type: 'ACCOUNT', active: true, 'tag.Team': 'security' });
  t.like(entity(run, finding('0d7c7b7e-5a91-4c3e-9b1a-2f1c7a9d4e01')), { public: true, open: true, severity: 'high' });
  t.like(entity(run, finding('9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a503')), { open: false, status: 'RESOLVED' });
  for (const id of ['0d7c7b7e-5a91-4c3e-9b1a-2f1c7a9d4e01', '6a2f0c1e-93b4-4d8a-8e5f-7c3b2a1d0e02', '9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a503'])
    t.true(edge(run, analyzer, 'IDENTIFIED', finding(id)));
  t.true(edge(run, `arn:aws:s3:::${PRODUCTION}-public-site`, 'HAS', finding('0d7c7b7e-5a91-4c3e-9b1a-2f1c7a9d4e01')));
  t.true(edge(run, `arn:aws:iam::${PRODUCTION}:role/app-ec2`, 'HAS', finding('6a2f0c1e-93b4-4d8a-8e5f-7c3b2a1d0e02')));
  t.true(edge(run, arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'), 'HAS', finding('9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a503')));
  // eu-west-1's unused-access analyzer does not analyze external access.
  t.like(entity(run, `aws:${PRODUCTION}:service:accessanalyzer`), { 'enabled.us-east-1': true, 'enabled.eu-west-1': false, disabledRegions: ['eu-west-1'] });
});

test('Inspector (Inspector2) over REST-JSON: the assessment of a region IDENTIFIED findings, the instance HAS them', async (t) => {
  const run = await monitoring();
  const assessment = `aws-inspector2:${PRODUCTION}:us-east-1:assessment`;
  const critical = arn('inspector2', 'finding/4bcd9e8f7a6b5c4d3e2f1a0b9c8d7e6f');
  const closed = arn('inspector2', 'finding/0a1b2c3d4e5f60718293a4b5c6d7e8f9');
  t.like(entity(run, assessment), { active: true, ec2ScanStatus: 'ENABLED', coveredInstanceCount: 1, activelyScannedCount: 1, findingCount: 2 });
  t.like(entity(run, critical), { severity: 'critical', numericSeverity: 9.8, open: true, createdOn: 1719907200000, vulnerabilityId: 'CVE-2024-6387' });
  t.like(entity(run, closed), { open: false, numericSeverity: 7 });
  t.true(edge(run, assessment, 'IDENTIFIED', critical));
  t.true(edge(run, arn('ec2', 'instance/i-1234567890abcdef0'), 'HAS', critical));
  t.true(edge(run, arn('ec2', 'instance/i-1234567890abcdef0'), 'HAS', closed));
  t.like(entity(run, `aws:${PRODUCTION}:service:inspector`), { 'enabled.us-east-1': true, 'enabled.eu-west-1': false, disabledRegions: ['eu-west-1'] });
});
