import test from 'ava';
import { convertAnalyzer, convertAnalyzerFinding, findingResourceKey, isExternalAccessAnalyzer } from '../../src/services/accessanalyzer/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '222222222222', region: 'us-east-1' };
const ANALYZER = 'arn:aws:access-analyzer:us-east-1:222222222222:analyzer/production-analyzer';

// ListAnalyzers' AnalyzerSummary (IAM Access Analyzer API Reference).
test('convertAnalyzer: type, status and the Assessment/Scanner properties', (t) => {
  const analyzer = convertAnalyzer(
    { arn: ANALYZER, name: 'production-analyzer', type: 'ACCOUNT', status: 'ACTIVE', createdAt: new Date('2021-05-01T09:00:00Z'), tags: { team: 'security' } },
    scope,
  );
  t.deepEqual(analyzer._class, ['Assessment', 'Scanner']);
  t.like(analyzer, { _key: ANALYZER, externalAccess: true, active: true, createdOn: Date.parse('2021-05-01T09:00:00Z'), 'tag.team': 'security' });
  t.false(isExternalAccessAnalyzer('ACCOUNT_UNUSED_ACCESS'));
  t.true(isExternalAccessAnalyzer('ORGANIZATION'));
});

// ListFindings' FindingSummary (API Reference example).
test('convertAnalyzerFinding: public findings are high, open while ACTIVE, principals flattened', (t) => {
  const finding = convertAnalyzerFinding(
    {
      id: '0d7c7b7e-5a91-4c3e-9b1a-2f1c7a9d4e01',
      principal: { AWS: '*' },
      action: ['s3:GetObject'],
      resource: 'arn:aws:s3:::acme-prod-public-assets',
      isPublic: true,
      resourceType: 'AWS::S3::Bucket',
      condition: {},
      createdAt: new Date('2022-03-01T10:00:00Z'),
      analyzedAt: new Date('2026-12-05T22:00:00Z'),
      updatedAt: new Date('2022-03-01T10:00:00Z'),
      status: 'ACTIVE',
      resourceOwnerAccount: '222222222222',
    },
    ANALYZER,
    scope,
  );
  t.deepEqual(finding._class, ['Finding']);
  t.like(finding, { _key: `${ANALYZER}/finding/0d7c7b7e-5a91-4c3e-9b1a-2f1c7a9d4e01`, open: true, public: true, severity: 'high', numericSeverity: 7 });
  t.deepEqual(finding.principals, ['AWS:*']);
  t.is(finding.conditions, undefined);
  const resolved = convertAnalyzerFinding(
    {
      id: 'x',
      resource: 'arn:aws:iam::222222222222:role/r',
      resourceType: 'AWS::IAM::Role',
      isPublic: false,
      status: 'RESOLVED',
      condition: { 'sts:ExternalId': 'abc' },
      createdAt: new Date(),
      analyzedAt: new Date(),
      updatedAt: new Date(),
      resourceOwnerAccount: '222222222222',
    },
    ANALYZER,
    scope,
  );
  t.like(resolved, { open: false, severity: 'medium', conditions: '{"sts:ExternalId":"abc"}' });
});

test('findingResourceKey: ARNs as their collectors key them; snapshots without the account', (t) => {
  t.is(findingResourceKey('arn:aws:ec2:us-west-2:333333333333:snapshot/snap-1'), 'arn:aws:ec2:us-west-2::snapshot/snap-1');
  t.is(findingResourceKey('arn:aws:s3:::b'), 'arn:aws:s3:::b');
  t.is(findingResourceKey('not-an-arn'), undefined);
});

test('the simulated organization: analyzers IDENTIFIED findings, each linked to its resource; regions without an analyzer recorded', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
  const counts = summary.counts.relationships;
  t.is(summary.counts.entities.aws_accessanalyzer_analyzer, 4);
  t.is(summary.counts.entities.aws_accessanalyzer_finding, 4);
  t.is(counts.aws_accessanalyzer_analyzer_identified_finding, 4);
  t.is(counts.aws_s3_bucket_has_accessanalyzer_finding, 2);
  t.is(counts.aws_iam_role_has_accessanalyzer_finding, 1);
  t.is(counts.aws_ebs_snapshot_has_accessanalyzer_finding, 1);
  t.like(graph.getEntity(`${ANALYZER}/finding/9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a503`), { open: false, status: 'RESOLVED' });
  // CIS: an active external-access analyzer per region; the unused-access one does not count.
  t.like(graph.getEntity('aws:111111111111:service:accessanalyzer'), { 'enabled.us-east-1': true, disabledRegions: ['eu-west-1', 'us-west-2'] });
  t.deepEqual(graph.getEntity('aws:333333333333:service:accessanalyzer')?.disabledRegions, ['eu-west-1', 'us-east-1']);
});
