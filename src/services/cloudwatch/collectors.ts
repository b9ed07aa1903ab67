import { CloudWatchClient, ListTagsForResourceCommand as ListAlarmTagsCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  ListTagsForResourceCommand as ListLogGroupTagsCommand,
  paginateDescribeLogGroups,
  paginateDescribeMetricFilters,
  type MetricFilter,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTagsForResourceCommand as ListRuleTagsCommand,
  ListTargetsByRuleCommand,
  type Rule,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import { createRelationship, RelationshipVerb, type Entity } from '../../graph';
import { resolveArnTarget } from '../arn-targets';
import {
  alarmMetrics,
  alarmNotificationTargets,
  cloudWatchServiceHas,
  convertEventRule,
  convertLogGroup,
  convertMetricAlarm,
  convertMetricFilter,
  flowLogGroupKey,
  logGroupKmsKey,
  type CloudWatchScope,
} from './converters';
import { CloudWatchEntities, CloudWatchRelationships } from './schema';

const { LOG_GROUP, METRIC_FILTER, METRIC_ALARM, EVENT_RULE } = CloudWatchEntities;

function scopeOf(context: CollectorContext): CloudWatchScope {
  return { accountId: context.account.accountId, region: context.region };
}

/**
 * Log groups with their metric filters, and the VPC flow logs that write to them. One
 * DescribeMetricFilters listing per region (not one per group); tags cost a call per group.
 */
export const logGroupsCollector: Collector = {
  id: 'cloudwatch-log-groups',
  service: 'cloudwatch',
  scope: 'regional',
  entities: [LOG_GROUP, METRIC_FILTER],
  relationships: [
    CloudWatchRelationships.SERVICE_HAS_LOG_GROUP,
    CloudWatchRelationships.LOG_GROUP_HAS_METRIC_FILTER,
    CloudWatchRelationships.LOG_GROUP_USES_KMS_KEY,
    CloudWatchRelationships.VPC_LOGS_LOG_GROUP,
  ],
  permissions: ['logs:DescribeLogGroups', 'logs:DescribeMetricFilters', 'logs:ListTagsForResource'],
  events: [
    {
      source: 'logs.amazonaws.com',
      names: [
        'CreateLogGroup',
        'DeleteLogGroup',
        'PutRetentionPolicy',
        'DeleteRetentionPolicy',
        'AssociateKmsKey',
        'DisassociateKmsKey',
        'PutMetricFilter',
        'DeleteMetricFilter',
        'TagLogGroup',
        'UntagLogGroup',
        'TagResource',
        'UntagResource',
      ],
      resourceIds: ['requestParameters.logGroupName'],
    },
    // A new or deleted flow log moves the VPC LOGS edge.
    { source: 'ec2.amazonaws.com', names: ['CreateFlowLogs', 'DeleteFlowLogs'] },
  ],
  optionalCalls: [
    {
      operation: 'logs:DescribeMetricFilters',
      per: 'scope',
      cost: 'no metric filters, so the CIS monitoring chain (filter, alarm, topic) cannot be followed',
    },
    {
      operation: 'logs:ListTagsForResource',
      properties: [{ _type: LOG_GROUP._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'log groups have no `tag.*` properties',
    },
  ],
  // Reads the VPCs' flow-log destinations; KMS keys are named by ARN (edgeTarget), not read.
  dependsOn: ['account', 'ec2-network'],
  async run(context) {
    const client = context.client(CloudWatchLogsClient);
    const scope = scopeOf(context);
    const groups = [];
    for await (const page of paginateDescribeLogGroups({ client }, { limit: 50 })) groups.push(...(page.logGroups ?? []));
    // A metric filter is defined on a log group of the account ("Creates or updates a metric filter
    // and associates it with the specified log group", PutMetricFilter API Reference; it is named by
    // its log group and its name, and goes with the group): a region without log groups has none.
    const filters =
      groups.length === 0
        ? []
        : await context.optional('logs:DescribeMetricFilters', async () => {
            const all: MetricFilter[] = [];
            for await (const page of paginateDescribeMetricFilters({ client }, { limit: 50 })) all.push(...(page.metricFilters ?? []));
            return all;
          });

    await mapConcurrent(groups, 4, async (group) => {
      const arn = group.logGroupArn ?? group.arn?.replace(/:\*$/, '');
      const tags = arn
        ? await context.optional('logs:ListTagsForResource', async () => (await client.send(new ListLogGroupTagsCommand({ resourceArn: arn }))).tags)
        : undefined;
      const entity = context.addEntity(convertLogGroup(group, scope, tags));
      context.addRelationship(cloudWatchServiceHas(scope.accountId, entity));
      const keyArn = logGroupKmsKey(entity, scope);
      const key = keyArn ? await resolveArnTarget(context, keyArn) : undefined;
      if (key) context.addRelationship(createRelationship({ from: entity, verb: RelationshipVerb.USES, to: key }));
    });

    for (const filter of filters ?? []) {
      const entity = context.addEntity(convertMetricFilter(filter, scope));
      const group = context.graph.getEntity(String(entity.logGroupArn));
      if (group) context.addRelationship(createRelationship({ from: group, verb: RelationshipVerb.HAS, to: entity }));
    }

    // Flow logs to CloudWatch Logs: EC2 lists them on the VPC (`flowLogDestinations`).
    for (const vpc of context.graph.entitiesOfTypeInAccount('aws_vpc', scope.accountId)) {
      if (vpc.region !== scope.region || vpc._source === 'system-mapper') continue;
      const destinations = Array.isArray(vpc.flowLogDestinations) ? vpc.flowLogDestinations : [];
      for (const destination of destinations) {
        const key = typeof destination === 'string' ? flowLogGroupKey(destination, scope) : undefined;
        if (!key) continue;
        // A group of this account and region that is not listed is gone; another account's is a placeholder.
        const local = key.startsWith(`arn:aws:logs:${scope.region}:${scope.accountId}:`);
        const target = context.graph.getEntity(key) ?? (local ? undefined : await resolveArnTarget(context, key));
        if (target) context.addRelationship(createRelationship({ from: vpc, verb: RelationshipVerb.LOGS, to: target }));
      }
    }
  },
};

/**
 * Metric alarms, with the metric filters whose metrics they watch and the SNS topics (or Lambda
 * functions) they notify. Topics are keyed by ARN: the SNS collectors' entities when collected,
 * placeholders otherwise.
 */
export const alarmsCollector: Collector = {
  id: 'cloudwatch-alarms',
  service: 'cloudwatch',
  scope: 'regional',
  entities: [METRIC_ALARM],
  relationships: [
    CloudWatchRelationships.SERVICE_HAS_ALARM,
    CloudWatchRelationships.ALARM_MONITORS_METRIC_FILTER,
    CloudWatchRelationships.ALARM_NOTIFIES_TARGET,
  ],
  permissions: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
  events: [
    {
      source: 'monitoring.amazonaws.com',
      names: ['PutMetricAlarm', 'DeleteAlarms', 'EnableAlarmActions', 'DisableAlarmActions', 'TagResource', 'UntagResource'],
      resourceIds: ['requestParameters.alarmName', 'requestParameters.alarmNames[]'],
    },
  ],
  optionalCalls: [
    {
      operation: 'cloudwatch:ListTagsForResource',
      properties: [{ _type: METRIC_ALARM._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'alarms have no `tag.*` properties',
    },
  ],
  dependsOn: ['account', 'cloudwatch-log-groups'],
  async run(context) {
    const client = context.client(CloudWatchClient);
    const scope = scopeOf(context);
    const filtersByMetric = new Map<string, Entity[]>();
    for (const filter of context.graph.entitiesOfTypeInAccount(METRIC_FILTER._type, scope.accountId)) {
      if (filter.region !== scope.region) continue;
      const names = Array.isArray(filter.metricNames) ? filter.metricNames : [];
      const namespaces = Array.isArray(filter.metricNamespaces) ? filter.metricNamespaces : [];
      names.forEach((name, index) => {
        const metric = `${namespaces[index]}|${name}`;
        filtersByMetric.set(metric, [...(filtersByMetric.get(metric) ?? []), filter]);
      });
    }

    const alarms = [];
    for await (const page of paginateDescribeAlarms({ client }, { AlarmTypes: ['MetricAlarm'], MaxRecords: 100 })) alarms.push(...(page.MetricAlarms ?? []));
    await mapConcurrent(alarms, 4, async (alarm) => {
      const tags = alarm.AlarmArn
        ? await context.optional(
            'cloudwatch:ListTagsForResource',
            async () => (await client.send(new ListAlarmTagsCommand({ ResourceARN: alarm.AlarmArn }))).Tags,
          )
        : undefined;
      const entity = context.addEntity(convertMetricAlarm(alarm, scope, tags));
      context.addRelationship(cloudWatchServiceHas(scope.accountId, entity));
      for (const metric of alarmMetrics(alarm)) {
        for (const filter of filtersByMetric.get(metric) ?? [])
          context.addRelationship(createRelationship({ from: entity, verb: RelationshipVerb.MONITORS, to: filter }));
      }
      for (const action of alarmNotificationTargets(alarm)) {
        const target = await resolveArnTarget(context, action);
        if (target) context.addRelationship(createRelationship({ from: entity, verb: RelationshipVerb.NOTIFIES, to: target }));
      }
    });
  },
};

/** EventBridge has no paginators in the SDK: NextToken loops, as its API Reference describes. */
async function listAll<T>(call: (nextToken: string | undefined) => Promise<{ items?: T[]; NextToken?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await call(token);
    all.push(...(page.items ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}

/** EventBridge rules of every event bus, with their targets (TRIGGERS) and tags. */
export const eventRulesCollector: Collector = {
  id: 'cloudwatch-event-rules',
  service: 'cloudwatch',
  scope: 'regional',
  entities: [EVENT_RULE],
  relationships: [CloudWatchRelationships.SERVICE_HAS_EVENT_RULE, CloudWatchRelationships.EVENT_RULE_TRIGGERS_TARGET],
  permissions: ['events:ListEventBuses', 'events:ListRules', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
  events: [
    {
      source: 'events.amazonaws.com',
      names: [
        'PutRule',
        'DeleteRule',
        'EnableRule',
        'DisableRule',
        'PutTargets',
        'RemoveTargets',
        'CreateEventBus',
        'DeleteEventBus',
        'TagResource',
        'UntagResource',
      ],
      resourceIds: ['requestParameters.name', 'requestParameters.rule'],
    },
  ],
  optionalCalls: [
    {
      operation: 'events:ListEventBuses',
      per: 'scope',
      cost: 'only the default event bus is read',
    },
    {
      operation: 'events:ListTargetsByRule',
      properties: [{ _type: EVENT_RULE._type, properties: ['targetArns', 'targetCount'] }],
      cost: 'rules have no targets and no TRIGGERS edges',
    },
    {
      operation: 'events:ListTagsForResource',
      properties: [{ _type: EVENT_RULE._type, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'rules have no `tag.*` properties',
    },
  ],
  dependsOn: ['account', 'cloudwatch-log-groups'],
  async run(context) {
    const client = context.client(EventBridgeClient);
    const scope = scopeOf(context);
    const buses = (await context.optional('events:ListEventBuses', () =>
      listAll(async (NextToken) => {
        const page = await client.send(new ListEventBusesCommand({ NextToken, Limit: 100 }));
        return { items: page.EventBuses?.map((bus) => bus.Name ?? 'default'), NextToken: page.NextToken };
      }),
    )) ?? ['default'];
    const rules: Rule[] = [];
    for (const bus of buses) {
      rules.push(
        ...(await listAll(async (NextToken) => {
          const page = await client.send(new ListRulesCommand({ EventBusName: bus, NextToken, Limit: 100 }));
          return { items: page.Rules, NextToken: page.NextToken };
        })),
      );
    }
    await mapConcurrent(rules, 4, async (rule) => {
      const targets = await context.optional('events:ListTargetsByRule', () =>
        listAll<Target>(async (NextToken) => {
          const page = await client.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: rule.EventBusName, NextToken, Limit: 100 }));
          return { items: page.Targets, NextToken: page.NextToken };
        }),
      );
      const tags = rule.Arn
        ? await context.optional('events:ListTagsForResource', async () => (await client.send(new ListRuleTagsCommand({ ResourceARN: rule.Arn }))).Tags)
        : undefined;
      const entity = context.addEntity(convertEventRule(rule, scope, targets, tags));
      context.addRelationship(cloudWatchServiceHas(scope.accountId, entity));
      for (const target of targets ?? []) {
        const to = target.Arn ? await resolveArnTarget(context, target.Arn) : undefined;
        if (to)
          context.addRelationship(
            createRelationship({
              from: entity,
              verb: RelationshipVerb.TRIGGERS,
              to,
              keySuffix: target.Id,
              properties: { targetId: target.Id, roleArn: target.RoleArn },
            }),
          );
      }
    });
  },
};
