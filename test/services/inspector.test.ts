import test from 'ava';
import type { Finding } from '@aws-sdk/client-inspector2';
import { assessmentKey, convertAssessment, convertInspectorFinding, findingResourceKeys } from '../../src/services/inspector/converters';
import { builtinWorld, graphIssues, simulate, temporaryDirectory } from '../helpers/simulate';

const scope = { accountId: '222222222222', region: 'us-east-1' };

// ListFindings, as the Inspector2 API Reference's Finding shape documents it.
const openssh: Finding = {
  awsAccountId: '222222222222',
  findingArn: 'arn:aws:inspector2:us-east-1:222222222222:finding/4bcd9e8f7a6b5c4d3e2f1a0b9c8d7e6f',
  description: 'A signal handler race condition was found in sshd.',
  type: 'PACKAGE_VULNERABILITY',
  title: 'CVE-2024-6387 - openssh',
  severity: 'CRITICAL',
  inspectorScore: 9.8,
  status: 'ACTIVE',
  fixAvailable: 'YES',
  exploitAvailable: 'YES',
  epss: { score: 0.96 },
  firstObservedAt: new Date('2024-07-02T08:00:00Z'),
  lastObservedAt: new Date('2026-12-05T20:00:00Z'),
  updatedAt: new Date('2026-12-05T20:00:00Z'),
  remediation: { recommendation: { text: 'None Provided' } },
  packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-6387', source: 'NVD', vulnerablePackages: [{ name: 'openssh', version: '8.7p1' }] },
  resources: [{ type: 'AWS_EC2_INSTANCE', id: 'i-0abc', region: 'us-east-1', partition: 'aws' }],
};

test('convertInspectorFinding: Inspector score as numericSeverity, open while ACTIVE, package and CVE', (t) => {
  const finding = convertInspectorFinding(openssh, scope);
  t.deepEqual(finding._class, ['Finding']);
  t.like(finding, { severity: 'critical', numericSeverity: 9.8, open: true, vulnerabilityId: 'CVE-2024-6387', category: 'host', epssScore: 0.96 });
  t.deepEqual(finding.vulnerablePackages, ['openssh@8.7p1']);
  t.is(finding.createdOn, Date.parse('2024-07-02T08:00:00Z'));
  const closed = convertInspectorFinding({ ...openssh, status: 'CLOSED', inspectorScore: undefined, severity: 'HIGH' }, scope);
  t.like(closed, { open: false, numericSeverity: 7 });
});

test('findingResourceKeys: instances by ARN from their id, functions without their version qualifier', (t) => {
  t.deepEqual(findingResourceKeys(openssh, scope), [{ key: 'arn:aws:ec2:us-east-1:222222222222:instance/i-0abc', kind: 'instance' }]);
  const lambda = { ...openssh, resources: [{ type: 'AWS_LAMBDA_FUNCTION' as const, id: 'arn:aws:lambda:us-east-1:222222222222:function:orders-api:$LATEST' }] };
  t.deepEqual(findingResourceKeys(lambda, scope), [{ key: 'arn:aws:lambda:us-east-1:222222222222:function:orders-api', kind: 'function' }]);
});

// BatchGetAccountStatus and ListCoverage (API Reference).
test('convertAssessment: the account status and coverage of a region as one assessment', (t) => {
  const assessment = convertAssessment(
    {
      accountId: '222222222222',
      state: { status: 'ENABLED', errorCode: undefined, errorMessage: undefined },
      resourceState: {
        ec2: { status: 'ENABLED', errorCode: undefined, errorMessage: undefined },
        ecr: { status: 'DISABLED', errorCode: undefined, errorMessage: undefined },
      },
    },
    [
      {
        resourceId: 'i-1',
        resourceType: 'AWS_EC2_INSTANCE',
        accountId: '222222222222',
        scanType: 'PACKAGE',
        scanStatus: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' },
      },
      {
        resourceId: 'i-2',
        resourceType: 'AWS_EC2_INSTANCE',
        accountId: '222222222222',
        scanType: 'PACKAGE',
        scanStatus: { statusCode: 'INACTIVE', reason: 'UNMANAGED_EC2_INSTANCE' },
      },
    ],
    scope,
    3,
  );
  t.deepEqual(assessment._class, ['Assessment']);
  t.like(assessment, {
    _key: assessmentKey(scope),
    active: true,
    ec2ScanStatus: 'ENABLED',
    ecrScanStatus: 'DISABLED',
    coveredInstanceCount: 2,
    activelyScannedCount: 1,
    notScannedCount: 1,
    findingCount: 3,
  });
});

test('the simulated organization: the assessment IDENTIFIED findings, instances and functions HAS them, disabled regions recorded', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
  const counts = summary.counts.relationships;
  t.is(summary.counts.entities.aws_inspector_assessment, 1);
  t.is(summary.counts.entities.aws_inspector_finding, 3);
  t.is(counts.aws_inspector_assessment_identified_finding, 3);
  t.is(counts.aws_instance_has_inspector_finding, 2);
  t.is(counts.aws_lambda_function_has_inspector_finding, 1);
  t.like(graph.getEntity(assessmentKey(scope)), { coveredInstanceCount: 3, activelyScannedCount: 3, notScannedCount: 1, lambdaScanStatus: 'ENABLED' });
  t.like(graph.getEntity('arn:aws:inspector2:us-east-1:222222222222:finding/0a1b2c3d4e5f60718293a4b5c6d7e8f9'), { open: false, status: 'CLOSED' });
  t.like(graph.getEntity('aws:222222222222:service:inspector'), { 'enabled.us-east-1': true, disabledRegions: ['eu-west-1', 'us-west-2'] });
  t.deepEqual(graph.getEntity('aws:111111111111:service:inspector')?.disabledRegions, ['eu-west-1', 'us-east-1', 'us-west-2']);
});

test('findings are ever-growing: a finding Inspector no longer lists stays in the next snapshot', async (t) => {
  const outputDir = temporaryDirectory();
  await simulate(builtinWorld(), { outputDir });
  const world = builtinWorld();
  const section = world.accounts.find((account) => account.id === '222222222222')?.regions?.['us-east-1']?.inspector2 as
    { findings?: Array<{ id: string }> } | undefined;
  if (section) section.findings = section.findings?.filter((finding) => finding.id !== '0a1b2c3d4e5f60718293a4b5c6d7e8f9');
  const second = await simulate(world, { outputDir });
  t.deepEqual(second.summary.errors, []);
  t.is(second.summary.counts.entities.aws_inspector_finding, 3);
  t.truthy(second.graph.getEntity('arn:aws:inspector2:us-east-1:222222222222:finding/0a1b2c3d4e5f60718293a4b5c6d7e8f9'));
});
