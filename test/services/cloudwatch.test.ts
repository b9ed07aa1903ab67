import test from 'ava';
import {
  alarmMetrics,
  alarmNotificationTargets,
  convertEventRule,
  convertLogGroup,
  convertMetricAlarm,
  convertMetricFilter,
  flowLogGroupKey,
} from '../../src/services/cloudwatch/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '111111111111', region: 'us-east-1' };

// DescribeLogGroups, as the CloudWatch Logs API Reference shows a log group (creationTime in epoch ms).
test('convertLogGroup keeps retention, the KMS key and the ARN without its :* suffix', (t) => {
  const group = convertLogGroup(
    {
      logGroupName: 'aws-cloudtrail-logs-acme',
      creationTime: 1580515200000,
      retentionInDays: 365,
      metricFilterCount: 3,
      arn: 'arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-acme:*',
      logGroupArn: 'arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-acme',
      storedBytes: 73400320,
      kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-1111-4aaa-8bbb-000000000001',
    },
    scope,
    { Name: 'trail logs', team: 'security' },
  );
  t.is(group._key, 'arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-acme');
  t.deepEqual(group._class, ['Logs']);
  t.is(group.retentionInDays, 365);
  t.is(group.neverExpires, false);
  t.is(group.kmsEncrypted, true);
  t.is(group.createdOn, 1580515200000);
  t.is(group['tag.team'], 'security');
  t.is(group.displayName, 'trail logs');
  const plain = convertLogGroup({ logGroupName: '/aws/lambda/x', creationTime: 1 }, scope);
  t.is(plain.retentionInDays, undefined);
  t.is(plain.neverExpires, true);
  t.is(plain.kmsEncrypted, false);
});

test('convertMetricFilter exposes the pattern and the metric the CIS chain matches alarms on', (t) => {
  const filter = convertMetricFilter(
    {
      filterName: 'root-usage',
      filterPattern: '{ $.userIdentity.type = "Root" }',
      logGroupName: 'trail',
      creationTime: 1580601600000,
      metricTransformations: [{ metricName: 'RootAccountUsage', metricNamespace: 'CISBenchmark', metricValue: '1' }],
    },
    scope,
  );
  t.is(filter._key, 'arn:aws:logs:us-east-1:111111111111:log-group:trail:metric-filter:root-usage');
  t.is(filter.filterPattern, '{ $.userIdentity.type = "Root" }');
  t.is(filter.metricName, 'RootAccountUsage');
  t.is(filter.metricNamespace, 'CISBenchmark');
  t.is(filter.logGroupArn, 'arn:aws:logs:us-east-1:111111111111:log-group:trail');
});

// DescribeAlarms MetricAlarms shape (CloudWatch API Reference, MetricAlarm).
test('convertMetricAlarm and its targets: SNS and Lambda actions notify, EC2 actions stay properties', (t) => {
  const alarm = {
    AlarmName: 'cpu',
    AlarmArn: 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:cpu',
    Namespace: 'AWS/EC2',
    MetricName: 'CPUUtilization',
    StateValue: 'ALARM' as const,
    ActionsEnabled: true,
    AlarmActions: ['arn:aws:sns:us-east-1:111111111111:ops', 'arn:aws:automate:us-east-1:ec2:stop'],
    OKActions: ['arn:aws:lambda:us-east-1:111111111111:function:recover'],
    Metrics: [{ Id: 'm1', MetricStat: { Metric: { Namespace: 'Custom', MetricName: 'Errors' }, Period: 60, Stat: 'Sum' } }],
    AlarmConfigurationUpdatedTimestamp: new Date('2024-01-01T00:00:00Z'),
  };
  const entity = convertMetricAlarm(alarm, scope);
  t.is(entity._key, alarm.AlarmArn);
  t.deepEqual(entity._class, ['Monitor']);
  t.deepEqual(entity.snsActions, ['arn:aws:sns:us-east-1:111111111111:ops']);
  t.is(entity.updatedOn, Date.parse('2024-01-01T00:00:00Z'));
  t.deepEqual(alarmMetrics(alarm), ['AWS/EC2|CPUUtilization', 'Custom|Errors']);
  t.deepEqual(alarmNotificationTargets(alarm), ['arn:aws:sns:us-east-1:111111111111:ops', 'arn:aws:lambda:us-east-1:111111111111:function:recover']);
});

// ListRules Rule shape (EventBridge API Reference).
test('convertEventRule: state, pattern, bus and target ARNs', (t) => {
  const rule = convertEventRule(
    { Name: 'r', Arn: 'arn:aws:events:us-east-1:111111111111:rule/r', State: 'DISABLED', ScheduleExpression: 'rate(5 minutes)', EventBusName: 'default' },
    scope,
    [{ Id: '1', Arn: 'arn:aws:lambda:us-east-1:111111111111:function:f' }],
  );
  t.deepEqual(rule._class, ['Task']);
  t.is(rule.enabled, false);
  t.deepEqual(rule.targetArns, ['arn:aws:lambda:us-east-1:111111111111:function:f']);
  t.is(rule.targetCount, 1);
});

test('flowLogGroupKey reads log group ARNs (with or without :*) and names; S3 destinations are not log groups', (t) => {
  t.is(flowLogGroupKey('arn:aws:logs:eu-west-1:999999999999:log-group:flows:*', scope), 'arn:aws:logs:eu-west-1:999999999999:log-group:flows');
  t.is(flowLogGroupKey('/aws/vpc/flows', scope), 'arn:aws:logs:us-east-1:111111111111:log-group:/aws/vpc/flows');
  t.is(flowLogGroupKey('arn:aws:s3:::bucket', scope), undefined);
});

test('the simulated organization: log groups, filters, alarms, rules and their edges, all valid', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
  const counts = summary.counts.relationships;
  const trail = graph.getEntity('arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-acme');
  t.is(trail?.retentionInDays, 365);
  t.is(trail?.metricFilterCount, 3);
  t.is(trail?.['tag.owner'], 'security@acme.example');
  t.is(counts.aws_cloudwatch_log_group_has_metric_filter, 3);
  t.is(counts.aws_cloudwatch_log_group_uses_kms_key, 1);
  // Two of the three CIS filters have an alarm; the sign-in one has none.
  t.is(counts.aws_cloudwatch_metric_alarm_monitors_log_metric_filter, 2);
  const topic = graph.getEntity('arn:aws:sns:us-east-1:111111111111:security-alerts');
  t.is(topic?._type, 'aws_sns_topic');
  t.not(topic?._source, 'system-mapper', "SNS's own topic (the demo world has it)");
  t.is(counts.aws_cloudwatch_metric_alarm_notifies_sns_topic, 3);
  t.is(counts.aws_vpc_logs_cloudwatch_log_group, 1);
  // nightly-orders targets orders-api: one edge from the rule's target, one from the function's
  // invoke grant (Lambda's collector), each with its own key.
  t.is(counts.aws_cloudwatch_event_rule_triggers_lambda_function, 2);
  const nightly = graph.getEntity('arn:aws:events:us-east-1:222222222222:rule/nightly-orders');
  t.is(nightly?._source === 'system-mapper', false);
  t.deepEqual(nightly?.targetArns, ['arn:aws:lambda:us-east-1:222222222222:function:orders-api']);
  t.is(counts.aws_cloudwatch_event_rule_triggers_sns_topic, 1);
  t.is(counts.aws_cloudwatch_event_rule_triggers_sqs_queue, 1);
  t.is(counts.aws_cloudwatch_event_rule_triggers_log_group, 1);
  const customBusRule = graph.entitiesOfType('aws_cloudwatch_event_rule').find((rule) => rule.name === 'order-created');
  t.is(customBusRule?.eventBusName, 'orders');
  t.is(summary.counts.entities.aws_cloudwatch_metric_alarm, 3);
});
