import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { ARN_TARGET_TYPES } from '../arn-targets';
import { Ec2Entities } from '../ec2/schema';
import { KmsEntities } from '../kms/schema';

/** CloudWatch's entity types (Logs, alarms and EventBridge rules): the one place they are spelled. */
export const CloudWatchEntities = defineEntities({
  SERVICE: serviceEntitySchema('cloudwatch', 'CloudWatch'),
  LOG_GROUP: { _type: 'aws_cloudwatch_log_group', _class: ['Logs'], resourceName: 'Log Group' },
  /** Not in JupiterOne's data model: the CIS monitoring controls read the filters' patterns and metrics. */
  METRIC_FILTER: { _type: 'aws_cloudwatch_log_metric_filter', _class: ['Configuration'], resourceName: 'Log Metric Filter' },
  METRIC_ALARM: { _type: 'aws_cloudwatch_metric_alarm', _class: ['Monitor'], resourceName: 'Metric Alarm' },
  EVENT_RULE: { _type: 'aws_cloudwatch_event_rule', _class: ['Task'], resourceName: 'Event Rule' },
});

const VPC_TYPE = Ec2Entities.VPC._type;
const KMS_KEY_TYPE = KmsEntities.KEY._type;

export const CloudWatchRelationships = defineRelationships({
  SERVICE_HAS_LOG_GROUP: { from: CloudWatchEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: CloudWatchEntities.LOG_GROUP._type },
  SERVICE_HAS_ALARM: { from: CloudWatchEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: CloudWatchEntities.METRIC_ALARM._type },
  SERVICE_HAS_EVENT_RULE: { from: CloudWatchEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: CloudWatchEntities.EVENT_RULE._type },
  LOG_GROUP_HAS_METRIC_FILTER: { from: CloudWatchEntities.LOG_GROUP._type, verb: RelationshipVerb.HAS, to: CloudWatchEntities.METRIC_FILTER._type },
  LOG_GROUP_USES_KMS_KEY: { from: CloudWatchEntities.LOG_GROUP._type, verb: RelationshipVerb.USES, to: KMS_KEY_TYPE },
  VPC_LOGS_LOG_GROUP: { from: VPC_TYPE, verb: RelationshipVerb.LOGS, to: CloudWatchEntities.LOG_GROUP._type },
  ALARM_MONITORS_METRIC_FILTER: { from: CloudWatchEntities.METRIC_ALARM._type, verb: RelationshipVerb.MONITORS, to: CloudWatchEntities.METRIC_FILTER._type },
  /** SNS topics (and Lambda functions, which alarms may invoke) named in the alarm's actions. */
  ALARM_NOTIFIES_TARGET: { from: CloudWatchEntities.METRIC_ALARM._type, verb: RelationshipVerb.NOTIFIES, to: ARN_TARGET_TYPES },
  EVENT_RULE_TRIGGERS_TARGET: { from: CloudWatchEntities.EVENT_RULE._type, verb: RelationshipVerb.TRIGGERS, to: ARN_TARGET_TYPES },
});

/** Key of a log group: its ARN without the `:*` that DescribeLogGroups' `arn` ends with. */
export function logGroupKey(region: string, accountId: string, logGroupName: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`;
}
