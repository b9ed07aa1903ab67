import test from 'ava';
import { convertConfigRule, convertDeliveryChannel, convertRecorder, ruleEvaluates } from '../../src/services/config/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '222222222222', region: 'us-east-1' };

// DescribeConfigRules and DescribeComplianceByConfigRule, as the AWS Config API Reference shows them.
test('convertConfigRule: source, scope and the rule compliance with its non-compliant count', (t) => {
  const rule = convertConfigRule(
    {
      ConfigRuleName: 'encrypted-volumes',
      ConfigRuleArn: 'arn:aws:config:us-east-1:222222222222:config-rule/config-rule-d4e5f6',
      ConfigRuleId: 'config-rule-d4e5f6',
      Source: { Owner: 'AWS', SourceIdentifier: 'ENCRYPTED_VOLUMES' },
      Scope: { ComplianceResourceTypes: ['AWS::EC2::Volume'] },
      ConfigRuleState: 'ACTIVE',
    },
    scope,
    {
      ConfigRuleName: 'encrypted-volumes',
      Compliance: { ComplianceType: 'NON_COMPLIANT', ComplianceContributorCount: { CappedCount: 1, CapExceeded: false } },
    },
  );
  t.deepEqual(rule._class, ['ControlPolicy']);
  t.like(rule, { complianceState: 'NON_COMPLIANT', nonCompliantResourceCount: 1, sourceIdentifier: 'ENCRYPTED_VOLUMES', active: true });
  t.deepEqual(rule.scopeResourceTypes, ['AWS::EC2::Volume']);
  t.is(convertConfigRule({ ConfigRuleName: 'x', ConfigRuleId: 'config-rule-x', Source: { Owner: 'AWS' } }, scope).complianceState, undefined);
});

// DescribeConfigurationRecorders and DescribeConfigurationRecorderStatus (API Reference examples).
test('convertRecorder: what CIS reads (all resources, global types, recording), and the default group', (t) => {
  const recorder = convertRecorder(
    { name: 'default', roleARN: 'arn:aws:iam::222222222222:role/config-role', recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
    scope,
    { name: 'default', recording: true, lastStatus: 'Success', lastStartTime: new Date('2020-01-01T00:00:00Z') },
  );
  t.like(recorder, { allSupported: true, includeGlobalResourceTypes: true, recording: true, active: true, lastStartedOn: Date.parse('2020-01-01T00:00:00Z') });
  t.is(recorder._key, 'arn:aws:config:us-east-1:222222222222:configuration-recorder/default');
  const partial = convertRecorder({ name: 'r', recordingGroup: { allSupported: false, resourceTypes: ['AWS::EC2::Instance'] } }, scope);
  t.like(partial, { allSupported: false, includeGlobalResourceTypes: false, recording: undefined });
  t.like(convertDeliveryChannel({ name: 'default', s3BucketName: 'logs', configSnapshotDeliveryProperties: { deliveryFrequency: 'One_Hour' } }, scope), {
    s3BucketName: 'logs',
    deliveryFrequency: 'One_Hour',
  });
});

test('ruleEvaluates carries the evaluation result on the edge', (t) => {
  const rule = convertConfigRule({ ConfigRuleName: 'r', ConfigRuleId: 'config-rule-r', Source: { Owner: 'AWS' } }, scope);
  const edge = ruleEvaluates(
    rule,
    { _key: 'arn:aws:ec2:us-east-1:222222222222:volume/vol-1', _type: 'aws_ebs_volume' },
    {
      EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'r', ResourceType: 'AWS::EC2::Volume', ResourceId: 'vol-1' } },
      ComplianceType: 'NON_COMPLIANT',
      ResultRecordedTime: new Date('2026-01-01T00:05:00Z'),
      Annotation: 'The volume is not encrypted.',
    },
  );
  t.like(edge, { _class: 'EVALUATES', complianceState: 'NON_COMPLIANT', resourceId: 'vol-1', evaluatedOn: Date.parse('2026-01-01T00:05:00Z') });
});

test('the simulated organization: rules EVALUATE resources and accounts with their compliance; recorders and channels', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
  const counts = summary.counts.relationships;
  t.is(summary.counts.entities.aws_config_rule, 5);
  t.is(summary.counts.entities.aws_config_recorder, 2);
  t.is(summary.counts.entities.aws_config_delivery_channel, 2);
  t.is(counts.aws_config_rule_evaluates_account, 1);
  t.is(counts.aws_config_rule_evaluates_ebs_volume, 2);
  t.is(counts.aws_config_rule_evaluates_security_group, 2);
  t.is(counts.aws_config_rule_evaluates_s3_bucket, 1);
  t.is(counts.aws_config_rule_evaluates_resource, 1);
  const volumes = graph.getEntity('arn:aws:config:us-east-1:222222222222:config-rule/encrypted-volumes');
  t.like(volumes, { complianceState: 'NON_COMPLIANT', nonCompliantResourceCount: 1 });
  const failing = [...graph.allRelationships()]
    .filter((r) => r._class === 'EVALUATES' && r.complianceState === 'NON_COMPLIANT')
    .map((r) => r._toEntityKey)
    .sort();
  t.deepEqual(failing, [
    'arn:aws:ec2:us-east-1:222222222222:security-group/sg-02221000000000102',
    'arn:aws:ec2:us-east-1:222222222222:volume/vol-02221000000000306',
    'aws-config-resource:222222222222:us-east-1:AWS::CloudTrail::Trail:org-trail',
  ]);
  t.like(graph.getEntity('arn:aws:config:us-east-1:111111111111:configuration-recorder/default'), {
    recording: true,
    allSupported: true,
    includeGlobalResourceTypes: true,
  });
  t.like(graph.getEntity('arn:aws:config:us-east-1:222222222222:configuration-recorder/default'), { recording: false, allSupported: false });
  // No recorder, or a stopped one: not recording, on the service entity.
  t.like(graph.getEntity('aws:111111111111:service:config'), { 'recording.us-east-1': true, 'recording.eu-west-1': false });
  t.deepEqual(graph.getEntity('aws:222222222222:service:config')?.notRecordingRegions, ['eu-west-1', 'us-east-1', 'us-west-2']);
});
