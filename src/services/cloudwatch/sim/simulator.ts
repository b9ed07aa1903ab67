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
import { collection, defineSimulatedService, list, ownRandom, tags } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';

type WorldLogGroup = LogGroup & { tags?: Record<string, string> };
type WorldRule = Rule & { Targets?: Target[]; Tags?: Record<string, string> };

const logGroupArn = (group: WorldLogGroup, context: SimCallContext) => `arn:aws:logs:${context.region}:${context.account.id}:log-group:${group.logGroupName}`;

/** CloudWatch Logs: log groups (epoch-ms `creationTime`, as the API returns it) and metric filters. */
export const cloudWatchLogsSimulator = defineSimulatedService({
  service: 'logs',
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
        metricFilterCount: (context.section<{ metricFilters?: MetricFilter[] }>()?.metricFilters ?? []).filter((f) => f.logGroupName === group.logGroupName)
          .length,
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
    DescribeLogGroups: list<DescribeLogGroupsCommandInput, DescribeLogGroupsCommandOutput>('logGroups', {
      items: 'logGroups',
      token: 'nextToken',
      maxResults: 'limit',
      awsMax: 50,
    }),
    DescribeMetricFilters: list<DescribeMetricFiltersCommandInput, DescribeMetricFiltersCommandOutput, MetricFilter>('metricFilters', {
      items: 'metricFilters',
      token: 'nextToken',
      maxResults: 'limit',
      awsMax: 50,
      filter: (filter, input) => !input.logGroupName || filter.logGroupName === input.logGroupName,
    }),
    ListTagsForResource: tags<LogTagsInput, LogTagsOutput>('logGroups', { id: 'resourceArn', output: 'tags', shape: 'map' }),
  },
  // A group per generated Lambda function, and the trail's group with the CIS root-usage filter.
  generate: ({ accountId, region, size }) => {
    const random = ownRandom({ accountId, region }, 'logs');
    if (!size) return {};
    const functions = Array.from({ length: Math.ceil(size / 10) }, (_, index) => ({
      logGroupName: `/aws/lambda/generated-function-${index}`,
      creationTime: Date.UTC(2024, 0, 15) + index * 86_400_000,
      retentionInDays: random() < 0.6 ? 30 : undefined,
      storedBytes: Math.floor(random() * 1e9),
      tags: { team: `team-${index % 5}` },
    }));
    return {
      logGroups: [{ logGroupName: 'generated-trail-logs', creationTime: Date.UTC(2023, 0, 1), retentionInDays: 365 }, ...functions],
      metricFilters: [
        {
          filterName: 'root-account-usage',
          logGroupName: 'generated-trail-logs',
          creationTime: Date.UTC(2023, 0, 2),
          filterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
          metricTransformations: [{ metricName: 'RootAccountUsage', metricNamespace: 'CISBenchmark', metricValue: '1' }],
        },
      ],
    };
  },
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
  // The root-usage alarm on the generated trail filter, and CPU alarms; all notify a topic.
  generate: ({ accountId, region, size }) => {
    if (!size) return {};
    const topic = `arn:aws:sns:${region}:${accountId}:generated-alerts`;
    const common = { Statistic: 'Sum', Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', StateValue: 'OK' };
    const cpu = Array.from({ length: Math.ceil(size / 10) }, (_, index) => ({
      ...common,
      AlarmName: `generated-cpu-${index}`,
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Threshold: 80,
      ActionsEnabled: true,
      AlarmActions: [topic],
    }));
    return {
      alarms: [
        {
          ...common,
          AlarmName: 'generated-root-usage',
          Namespace: 'CISBenchmark',
          MetricName: 'RootAccountUsage',
          ActionsEnabled: true,
          AlarmActions: [topic],
        },
        ...cpu,
      ],
    };
  },
});

const ruleArn = (rule: WorldRule, context: SimCallContext) => {
  const bus = rule.EventBusName && rule.EventBusName !== 'default' ? `${rule.EventBusName}/` : '';
  return `arn:aws:events:${context.region}:${context.account.id}:rule/${bus}${rule.Name}`;
};

/** EventBridge: the default bus (always there) and custom ones, rules and their targets. */
export const eventBridgeSimulator = defineSimulatedService({
  service: 'events',
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
      source: (buses, _input, context) =>
        [{ Name: 'default' }, ...buses].map((bus) => ({ ...bus, Arn: `arn:aws:events:${context.region}:${context.account.id}:event-bus/${bus.Name}` })),
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
      source: (rules, input) =>
        rules.find((rule) => rule.Name === input.Rule && (rule.EventBusName ?? 'default') === (input.EventBusName ?? 'default'))?.Targets ?? [],
    }),
    ListTagsForResource: tags<RuleTagsInput, RuleTagsOutput>('rules', { id: 'ResourceARN' }),
  },
  // The rules whose invoke grants the Lambda generator writes (every fourth function, from the second).
  generate: ({ accountId, region, size }) => {
    const rules = Array.from({ length: Math.ceil(size / 10) }, (_, index) => index)
      .filter((index) => index % 4 === 1)
      .map((index) => ({
        Name: `generated-rule-${index}`,
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [{ Id: 'function', Arn: `arn:aws:lambda:${region}:${accountId}:function:generated-function-${index}` }],
      }));
    return rules.length ? { rules } : {};
  },
});
