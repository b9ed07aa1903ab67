import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { LogGroup, MetricFilter } from '@aws-sdk/client-cloudwatch-logs';
import type { Rule, Target } from '@aws-sdk/client-eventbridge';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship, type TagInput } from '../../graph';
import { serviceEntityRef } from '../../graph';
import { kmsKeyKey } from '../kms/schema';
import { CloudWatchEntities, logGroupKey } from './schema';

export interface CloudWatchScope {
  accountId: string;
  region: string;
}

/** Key of a metric filter: its log group's key and the filter's name (unique within the group). */
export function metricFilterKey(groupKey: string, filterName: string): string {
  return `${groupKey}:metric-filter:${filterName}`;
}

/** `aws_cloudwatch_log_group` from DescribeLogGroups and the group's tags. */
export function convertLogGroup(group: LogGroup, scope: CloudWatchScope, tags?: TagInput): Entity {
  const name = group.logGroupName ?? '';
  const key = logGroupKey(scope.region, scope.accountId, name);
  return createEntity({
    _key: key,
    schema: CloudWatchEntities.LOG_GROUP,
    name,
    tags,
    createdOn: group.creationTime,
    properties: {
      arn: key,
      logGroupName: name,
      accountId: scope.accountId,
      region: scope.region,
      // Absent when events never expire (CloudWatch Logs' default).
      retentionInDays: group.retentionInDays,
      neverExpires: group.retentionInDays === undefined,
      kmsKeyId: group.kmsKeyId,
      // Logs are always encrypted at rest; `kmsEncrypted` says whether a customer's KMS key does it.
      kmsEncrypted: group.kmsKeyId !== undefined,
      storedBytes: group.storedBytes,
      metricFilterCount: group.metricFilterCount,
      logGroupClass: group.logGroupClass,
      dataProtectionStatus: group.dataProtectionStatus,
      deletionProtectionEnabled: group.deletionProtectionEnabled,
      webLink: `https://console.aws.amazon.com/cloudwatch/home?region=${scope.region}#logsV2:log-groups/log-group/${encodeURIComponent(name)}`,
    },
  });
}

export function cloudWatchServiceHas(accountId: string, entity: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'cloudwatch'), verb: RelationshipVerb.HAS, to: entity });
}

/** The key (ARN) of the KMS key that encrypts a log group (CloudWatch Logs names it by ARN). */
export function logGroupKmsKey(group: Entity, scope: CloudWatchScope): string | undefined {
  return kmsKeyKey(typeof group.kmsKeyId === 'string' ? group.kmsKeyId : undefined, scope.accountId, scope.region);
}

/**
 * `aws_cloudwatch_log_metric_filter` from DescribeMetricFilters: the pattern and the metrics it
 * publishes (`metricName`/`metricNamespace` of the first transformation, all of them in
 * `metricNames`/`metricNamespaces`), what the CIS monitoring controls match alarms against.
 */
export function convertMetricFilter(filter: MetricFilter, scope: CloudWatchScope): Entity {
  const groupKey = logGroupKey(scope.region, scope.accountId, filter.logGroupName ?? '');
  const transformations = filter.metricTransformations ?? [];
  return createEntity({
    _key: metricFilterKey(groupKey, filter.filterName ?? ''),
    schema: CloudWatchEntities.METRIC_FILTER,
    name: filter.filterName,
    createdOn: filter.creationTime,
    properties: {
      filterName: filter.filterName,
      filterPattern: filter.filterPattern ?? '',
      logGroupName: filter.logGroupName,
      logGroupArn: groupKey,
      accountId: scope.accountId,
      region: scope.region,
      metricName: transformations[0]?.metricName,
      metricNamespace: transformations[0]?.metricNamespace,
      metricValue: transformations[0]?.metricValue,
      metricNames: transformations.map((t) => t.metricName ?? ''),
      metricNamespaces: transformations.map((t) => t.metricNamespace ?? ''),
    },
  });
}

/** The metrics (`namespace|name`) an alarm watches: its own metric, or the metrics of its metric-math queries. */
export function alarmMetrics(alarm: MetricAlarm): string[] {
  const metrics = new Set<string>();
  if (alarm.Namespace && alarm.MetricName) metrics.add(`${alarm.Namespace}|${alarm.MetricName}`);
  for (const query of alarm.Metrics ?? []) {
    const metric = query.MetricStat?.Metric;
    if (metric?.Namespace && metric.MetricName) metrics.add(`${metric.Namespace}|${metric.MetricName}`);
  }
  return [...metrics];
}

/** `aws_cloudwatch_metric_alarm` from DescribeAlarms (metric alarms). */
export function convertMetricAlarm(alarm: MetricAlarm, scope: CloudWatchScope, tags?: TagInput): Entity {
  const arn = alarm.AlarmArn ?? `arn:aws:cloudwatch:${scope.region}:${scope.accountId}:alarm:${alarm.AlarmName}`;
  const alarmActions = alarm.AlarmActions ?? [];
  return createEntity({
    _key: arn,
    schema: CloudWatchEntities.METRIC_ALARM,
    name: alarm.AlarmName,
    tags,
    properties: {
      arn,
      alarmName: alarm.AlarmName,
      description: alarm.AlarmDescription,
      accountId: scope.accountId,
      region: scope.region,
      namespace: alarm.Namespace,
      metricName: alarm.MetricName,
      metrics: alarmMetrics(alarm),
      statistic: alarm.Statistic ?? alarm.ExtendedStatistic,
      period: alarm.Period,
      evaluationPeriods: alarm.EvaluationPeriods,
      datapointsToAlarm: alarm.DatapointsToAlarm,
      threshold: alarm.Threshold,
      comparisonOperator: alarm.ComparisonOperator,
      treatMissingData: alarm.TreatMissingData,
      stateValue: alarm.StateValue,
      stateReason: alarm.StateReason,
      stateUpdatedOn: alarm.StateUpdatedTimestamp,
      updatedOn: alarm.AlarmConfigurationUpdatedTimestamp,
      actionsEnabled: alarm.ActionsEnabled,
      alarmActions: [...alarmActions],
      okActions: alarm.OKActions?.length ? [...alarm.OKActions] : undefined,
      insufficientDataActions: alarm.InsufficientDataActions?.length ? [...alarm.InsufficientDataActions] : undefined,
      snsActions: alarmActions.filter((action) => action.startsWith('arn:aws:sns:')),
      webLink: `https://console.aws.amazon.com/cloudwatch/home?region=${scope.region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName ?? '')}`,
    },
  });
}

/**
 * Actions of an alarm that notify an SNS topic or invoke a Lambda function (of every state, ALARM
 * first). Auto Scaling, EC2 and Systems Manager actions stay properties.
 */
export function alarmNotificationTargets(alarm: MetricAlarm): string[] {
  const all = [...(alarm.AlarmActions ?? []), ...(alarm.OKActions ?? []), ...(alarm.InsufficientDataActions ?? [])];
  return [...new Set(all.filter((action) => /^arn:aws[a-z-]*:(sns|lambda):/.test(action)))];
}

/** `aws_cloudwatch_event_rule` from ListRules, with its targets (ListTargetsByRule) and tags. */
export function convertEventRule(rule: Rule, scope: CloudWatchScope, targets?: readonly Target[], tags?: TagInput): Entity {
  const busName = rule.EventBusName ?? 'default';
  const arn = rule.Arn ?? `arn:aws:events:${scope.region}:${scope.accountId}:rule/${busName === 'default' ? '' : `${busName}/`}${rule.Name}`;
  return createEntity({
    _key: arn,
    schema: CloudWatchEntities.EVENT_RULE,
    name: rule.Name,
    tags,
    properties: {
      arn,
      description: rule.Description,
      accountId: scope.accountId,
      region: scope.region,
      eventBusName: busName,
      state: rule.State,
      enabled: rule.State !== undefined ? rule.State !== 'DISABLED' : undefined,
      eventPattern: rule.EventPattern,
      scheduleExpression: rule.ScheduleExpression,
      roleArn: rule.RoleArn,
      managedBy: rule.ManagedBy,
      targetArns: targets ? targets.map((target) => target.Arn ?? '') : undefined,
      targetCount: targets?.length,
      webLink: `https://console.aws.amazon.com/events/home?region=${scope.region}#/eventbus/${encodeURIComponent(busName)}/rules/${encodeURIComponent(rule.Name ?? '')}`,
    },
  });
}

/**
 * The log group a VPC flow log writes to, from the VPC's `flowLogDestinations` (a log group ARN,
 * possibly ending in `:*`, or its name) in the VPC's account and region. S3 destinations are skipped.
 */
export function flowLogGroupKey(destination: string, scope: CloudWatchScope): string | undefined {
  if (destination.startsWith('arn:')) {
    const match = /^arn:aws[a-z-]*:logs:([^:]+):(\d{12}):log-group:(.+?)(:\*)?$/.exec(destination);
    return match ? logGroupKey(match[1], match[2], match[3]) : undefined;
  }
  return logGroupKey(scope.region, scope.accountId, destination);
}
