import test from 'ava';
import type { Finding } from '@aws-sdk/client-guardduty';
import { affectedResourceKeys, convertDetector, convertFinding, guardDutySeverity } from '../../src/services/guardduty/converters';
import { builtinWorld, graphIssues, simulate, temporaryDirectory } from '../helpers/simulate';

const scope = { accountId: '222222222222', region: 'us-east-1' };

// GetFindings, as the GuardDuty API Reference's Finding shape documents it (dates are ISO strings).
const sshFinding: Finding = {
  AccountId: '222222222222',
  Arn: 'arn:aws:guardduty:us-east-1:222222222222:detector/0c2ad8e1f4b36a79d5e8c1b2a3f40516/finding/7ec2f1a0b3d94e58a6c7b8d9e0f1a2b3',
  Confidence: 9,
  CreatedAt: '2025-11-20T08:14:02.117Z',
  Description: '203.0.113.7 is performing SSH brute force attacks against i-0abc.',
  Id: '7ec2f1a0b3d94e58a6c7b8d9e0f1a2b3',
  Partition: 'aws',
  Region: 'us-east-1',
  Resource: { ResourceType: 'Instance', InstanceDetails: { InstanceId: 'i-0abc' } },
  SchemaVersion: '2.0',
  Service: {
    ServiceName: 'guardduty',
    DetectorId: '0c2ad8e1f4b36a79d5e8c1b2a3f40516',
    Archived: false,
    Count: 42,
    EventFirstSeen: '2025-11-20T08:00:51.000Z',
    EventLastSeen: '2025-11-28T18:57:12.000Z',
  },
  Severity: 8,
  Title: '203.0.113.7 is performing SSH brute force attacks against i-0abc.',
  Type: 'UnauthorizedAccess:EC2/SSHBruteForce',
  UpdatedAt: '2025-11-28T19:02:44.580Z',
};

test('convertFinding: severity band and numeric score, open until archived, epoch-ms dates', (t) => {
  const finding = convertFinding(sshFinding, scope);
  t.is(finding._key, String(sshFinding.Arn));
  t.deepEqual(finding._class, ['Finding']);
  t.is(finding.severity, 'high');
  t.is(finding.numericSeverity, 8);
  t.is(finding.open, true);
  t.is(finding.findingType, 'UnauthorizedAccess:EC2/SSHBruteForce');
  t.is(finding.threatPurpose, 'UnauthorizedAccess');
  t.is(finding.createdOn, Date.parse('2025-11-20T08:14:02.117Z'));
  t.is(finding.lastSeenOn, Date.parse('2025-11-28T18:57:12.000Z'));
  t.is(finding.instanceId, 'i-0abc');
  const archived = convertFinding({ ...sshFinding, Service: { ...sshFinding.Service, Archived: true } }, scope);
  t.is(archived.open, false);
  t.deepEqual([guardDutySeverity(9.5), guardDutySeverity(4), guardDutySeverity(1)], ['critical', 'medium', 'low']);
});

test('affectedResourceKeys: the instance ARN, bucket ARNs and an access key id, in the finding account and region', (t) => {
  t.deepEqual(affectedResourceKeys(sshFinding, scope), ['arn:aws:ec2:us-east-1:222222222222:instance/i-0abc']);
  const keys = affectedResourceKeys(
    {
      ...sshFinding,
      Resource: {
        ResourceType: 'AccessKey',
        AccessKeyDetails: { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', UserName: 'legacy-batch', UserType: 'IAMUser' },
        S3BucketDetails: [{ Name: 'data', Type: 'Destination' }],
      },
    },
    scope,
  );
  t.deepEqual(keys, ['arn:aws:s3:::data', 'AKIAIOSFODNN7EXAMPLE']);
  // An assumed role's temporary key (ASIA...) is no IAM access key entity: not linked.
  t.deepEqual(
    affectedResourceKeys(
      { ...sshFinding, Resource: { ResourceType: 'AccessKey', AccessKeyDetails: { AccessKeyId: 'ASIAEXAMPLE', UserType: 'AssumedRole' } } },
      scope,
    ).length,
    1,
  );
});

// GetDetector response (GuardDuty API Reference).
test('convertDetector: status, features and the Assessment/Scanner properties', (t) => {
  const detector = convertDetector(
    '12abc34d567e8fa901bc2d34e56789f0',
    {
      CreatedAt: '2020-02-01T10:00:00.000Z',
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      ServiceRole: 'arn:aws:iam::111111111111:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
      Status: 'ENABLED',
      UpdatedAt: '2024-06-01T10:00:00.000Z',
      Features: [
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' },
      ],
      Tags: { owner: 'security@acme.example' },
    },
    { accountId: '111111111111', region: 'us-east-1' },
  );
  t.is(detector._key, 'arn:aws:guardduty:us-east-1:111111111111:detector/12abc34d567e8fa901bc2d34e56789f0');
  t.deepEqual(detector._class, ['Assessment', 'Scanner']);
  t.is(detector.enabled, true);
  t.deepEqual(detector.enabledFeatures, ['S3_DATA_EVENTS']);
  t.is(detector.updatedOn, Date.parse('2024-06-01T10:00:00.000Z'));
  t.is(detector['tag.owner'], 'security@acme.example');
});

test('the simulated organization: detectors, findings linked to their instance and bucket, regions without GuardDuty recorded', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
  const counts = summary.counts.relationships;
  t.is(summary.counts.entities.aws_guardduty_detector, 3);
  t.is(summary.counts.entities.aws_guardduty_finding, 2);
  t.is(counts.aws_guardduty_detector_identified_finding, 2);
  t.is(counts.aws_instance_has_guardduty_finding, 1);
  t.is(counts.aws_s3_bucket_has_guardduty_finding, 1);
  const ssh = graph.getEntity('arn:aws:guardduty:us-east-1:222222222222:detector/0c2ad8e1f4b36a79d5e8c1b2a3f40516/finding/7ec2f1a0b3d94e58a6c7b8d9e0f1a2b3');
  t.like(ssh, { severity: 'high', numericSeverity: 8, open: true });
  // Not enabled is a fact on the service entity, not an error: no detector, or a suspended one.
  const management = graph.getEntity('aws:111111111111:service:guardduty');
  t.like(management, { 'enabled.us-east-1': true, 'enabled.us-west-2': false, 'enabled.eu-west-1': false });
  t.deepEqual(management?.disabledRegions, ['eu-west-1', 'us-west-2']);
  t.deepEqual(graph.getEntity('aws:222222222222:service:guardduty')?.disabledRegions, ['eu-west-1', 'us-west-2']);
});

test('findings are ever-growing: a finding GuardDuty no longer returns stays in the next snapshot', async (t) => {
  const outputDir = temporaryDirectory();
  await simulate(builtinWorld(), { outputDir });
  const world = builtinWorld();
  const production = world.accounts.find((account) => account.id === '222222222222');
  const section = production?.regions?.['us-east-1']?.guardduty as { findings?: Finding[] } | undefined;
  t.is(section?.findings?.length, 2);
  if (section) section.findings = section.findings?.filter((finding) => finding.Service?.Archived !== true);
  const second = await simulate(world, { outputDir });
  t.deepEqual(second.summary.errors, []);
  const archived = second.graph.getEntity(
    'arn:aws:guardduty:us-east-1:222222222222:detector/0c2ad8e1f4b36a79d5e8c1b2a3f40516/finding/9a1b2c3d4e5f60718293a4b5c6d7e8f9',
  );
  t.like(archived, { open: false, severity: 'low' });
  t.is(second.summary.counts.entities.aws_guardduty_finding, 2);
});
