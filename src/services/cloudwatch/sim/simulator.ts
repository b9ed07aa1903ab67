import type {
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  ListTagsForResourceCommandInput as AlarmTagsInput,
  ListTagsForResourceCommandOutput as AlarmTagsOutput,
  MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import type {
  DescribeLogGroupsCommandInput,
  DescribeLogGroupsCommandOutput,
  DescribeMetricFiltersCommandInput,
  DescribeMetricFiltersCommandOutput,
  ListTagsForResourceCommandInput as LogTagsInput,
  ListTagsForResourceCommandOutput as LogTagsOutput,
  LogGroup,
  MetricFilter,
} from '@aws-sdk/client-cloudwatch-logs';
import type {
  EventBus,
  ListEventBusesCommandInput,
  ListEventBusesCommandOutput,
  ListRulesCommandInput,
  ListRulesCommandOutput,
  ListTagsForResourceCommandInput as RuleTagsInput,
  ListTagsForResourceCommandOutput as RuleTagsOutput,
  ListTargetsByRuleCommandInput,
  ListTargetsByRuleCommandOutput,
  Rule,
  Target,
} from '@aws-sdk/client-eventbridge';
import { rateLimitRule } from '../../../aws/rate-limits';
import { collection, defineSimulatedService, list, tags } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';

type WorldLogGroup = LogGroup & { tags?: Record<string, string> };
type WorldRule = Rule & { Targets?: Target[]; Tags?: Record<string, string> };

const logGroupArn = (group: WorldLogGroup, context: SimCallContext) => `arn:aws:logs:${context.region}:${context.account.id}:log-group:${group.logGroupName}`;

/** CloudWatch Logs: log groups (epoch-ms `creationTime`, as the API returns it) and metric filters. */
export const cloudWatchLogsSimulator = defineSimulatedService({
  service: 'logs',
  bucket: (operation) => rateLimitRule('cloudwatchlogs', operation).limit,
  clientName: 'CloudWatchLogsClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidParameterException' },
  collections: {
    logGroups: collection<WorldLogGroup>({
      id: 'logGroupName',
      arn: logGroupArn,
      arnField: 'logGroupArn',
      worldOnly: ['tags'],
      tags: (group) => group.tags,
      fields: { retentionInDays: { type: 'integer', minimum: 1 }, kmsKeyId: { type: 'string', pattern: '^arn:aws:kms:' } },
      derive: (group, context) => ({
        arn: `${logGroupArn(group, context)}:*`,
        metricFilterCount: (context.section<{ metricFilters?: MetricFilter[] }>()?.metricFilters ?? []).filter((f) => f.logGroupName === group.logGroupName).length,
      }),
      notFound: { error: 'ResourceNotFoundException', message: () => 'The specified log group does not exist.' },
    }),
    metricFilters: collection<MetricFilter>({
      id: 'filterName',
      required: ['logGroupName', 'metricTransformations'],
      notFound: { error: 'ResourceNotFoundException', message: () => 'The specified metric filter does not exist.' },
    }),
  },
  operations: {
    DescribeLogGroups: list<DescribeLogGroupsCommandInput, DescribeLogGroupsCommandOutput>('logGroups', { items: 'logGroups', token: 'nextToken', maxResults: 'limit', awsMax: 50 }),
    DescribeMetricFilters: list<DescribeMetricFiltersCommandInput, DescribeMetricFiltersCommandOutput, MetricFilter>('metricFilters', {
      items: 'metricFilters',
      token: 'nextToken',
      maxResults: 'limit',
      awsMax: 50,
      filter: (filter, input) => !input.logGroupName || filter.logGroupName === input.logGroupName,
    }),
    ListTagsForResource: tags<LogTagsInput, LogTagsOutput>('logGroups', { id: 'resourceArn', output: 'tags', shape: 'map' }),
  },
  generate: ({ size, random }) => ({
    logGroups: Array.from({ length: Math.ceil(size / 4) }, (_, index) => ({
      logGroupName: `/aws/lambda/generated-${index}`,
      creationTime: Date.UTC(2023, 0, 1) + index * 86_400_000,
      retentionInDays: random() < 0.6 ? 30 : undefined,
      storedBytes: Math.floor(random() * 1e9),
      tags: { team: `team-${index % 5}` },
    })),
  }),
});

/** CloudWatch metric alarms (JSON 1.0 on the wire; the simulator answers at the SDK boundary). */
export const cloudWatchSimulator = defineSimulatedService({
  service: 'cloudwatch',
  clientName: 'CloudWatchClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDenied', throttling: 'Throttling', invalidToken: 'InvalidNextToken' },
  collections: {
    alarms: collection<MetricAlarm & { Tags?: Record<string, string> }>({
      id: 'AlarmName',
      arn: (alarm, context) => `arn:aws:cloudwatch:${context.region}:${context.account.id}:alarm:${alarm.AlarmName}`,
      arnField: 'AlarmArn',
      worldOnly: ['Tags'],
      dates: ['AlarmConfigurationUpdatedTimestamp', 'StateUpdatedTimestamp'],
      notFound: { error: 'ResourceNotFound', message: (id) => `Alarm ${id} does not exist` },
    }),
  },
  operations: {
    DescribeAlarms: list<DescribeAlarmsCommandInput, DescribeAlarmsCommandOutput>('alarms', { items: 'MetricAlarms', maxResults: 'MaxRecords', awsMax: 100 }),
    ListTagsForResource: tags<AlarmTagsInput, AlarmTagsOutput>('alarms', { id: 'ResourceARN' }),
  },
  generate: ({ accountId, region, size }) => ({
    alarms: Array.from({ length: Math.ceil(size / 10) }, (_, index) => ({
      AlarmName: `generated-cpu-${index}`,
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      StateValue: 'OK',
      ActionsEnabled: true,
      AlarmActions: [`arn:aws:sns:${region}:${accountId}:generated-alerts`],
    })),
  }),
});

const ruleArn = (rule: WorldRule, context: SimCallContext) => {
  const bus = rule.EventBusName && rule.EventBusName !== 'default' ? `${rule.EventBusName}/` : '';
  return `arn:aws:events:${context.region}:${context.account.id}:rule/${bus}${rule.Name}`;
};

/** EventBridge: the default bus (always there) and custom ones, rules and their targets. */
export const eventBridgeSimulator = defineSimulatedService({
  service: 'events',
  bucket: (operation) => rateLimitRule('eventbridge', operation).limit,
  clientName: 'EventBridgeClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'ValidationException' },
  collections: {
    eventBuses: collection<EventBus>({ id: 'Name', notFound: { error: 'ResourceNotFoundException', message: (id) => `Event bus ${id} does not exist.` } }),
    rules: collection<WorldRule>({
      id: 'Name',
      arn: ruleArn,
      arnField: 'Arn',
      worldOnly: ['Targets', 'Tags'],
      derive: (rule) => ({ EventBusName: rule.EventBusName ?? 'default' }),
      notFound: { error: 'ResourceNotFoundException', message: (id) => `Rule ${id} does not exist.` },
    }),
  },
  operations: {
    ListEventBuses: list<ListEventBusesCommandInput, ListEventBusesCommandOutput, EventBus>('eventBuses', {
      items: 'EventBuses',
      maxResults: 'Limit',
      awsMax: 100,
      source: (buses, _input, context) => [{ Name: 'default' }, ...buses].map((bus) => ({ ...bus, Arn: `arn:aws:events:${context.region}:${context.account.id}:event-bus/${bus.Name}` })),
    }),
    ListRules: list<ListRulesCommandInput, ListRulesCommandOutput, WorldRule>('rules', {
      items: 'Rules',
      maxResults: 'Limit',
      awsMax: 100,
      filter: (rule, input) => (rule.EventBusName ?? 'default') === (input.EventBusName ?? 'default'),
    }),
    ListTargetsByRule: list<ListTargetsByRuleCommandInput, ListTargetsByRuleCommandOutput, WorldRule>('rules', {
      items: 'Targets',
      maxResults: 'Limit',
      awsMax: 100,
      source: (rules, input) => rules.find((rule) => rule.Name === input.Rule && (rule.EventBusName ?? 'default') === (input.EventBusName ?? 'default'))?.Targets ?? [],
    }),
    ListTagsForResource: tags<RuleTagsInput, RuleTagsOutput>('rules', { id: 'ResourceARN' }),
  },
  generate: ({ accountId, region, size }) => ({
    rules: Array.from({ length: Math.ceil(size / 20) }, (_, index) => ({
      Name: `generated-schedule-${index}`,
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [{ Id: 'lambda', Arn: `arn:aws:lambda:${region}:${accountId}:function:generated-${index}` }],
    })),
  }),
});
