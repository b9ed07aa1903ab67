import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { CloudWatchEntities } from '../cloudwatch/schema';
import { KmsEntities } from '../kms/schema';
import { S3Entities } from '../s3/schema';

/**
 * CloudTrail's entity types: the one place they are spelled. Trails are `aws_cloudtrail` (JupiterOne's
 * type, class Service), the name the account's Service entity would have: the account collector
 * makes none for CloudTrail (services/account/index.ts).
 */
export const CloudTrailEntities = defineEntities({
  SERVICE: serviceEntitySchema('cloudtrail', 'CloudTrail'),
  TRAIL: { _type: 'aws_cloudtrail', _class: ['Service'], resourceName: 'CloudTrail Trail' },
});

const TRAIL = CloudTrailEntities.TRAIL._type;

export const CloudTrailRelationships = defineRelationships({
  TRAIL_LOGS_BUCKET: { from: TRAIL, verb: RelationshipVerb.LOGS, to: S3Entities.BUCKET._type },
  TRAIL_LOGS_LOG_GROUP: { from: TRAIL, verb: RelationshipVerb.LOGS, to: CloudWatchEntities.LOG_GROUP._type },
  TRAIL_USES_KEY: { from: TRAIL, verb: RelationshipVerb.USES, to: KmsEntities.KEY._type },
});

/**
 * Key of a log group as CloudWatch's converter computes it: the ARN without the `:*` that
 * CloudTrail's `CloudWatchLogsLogGroupArn` (like DescribeLogGroups' `arn`) ends with.
 */
export function logGroupKeyOfArn(logGroupArn: string): string {
  return logGroupArn.replace(/:\*$/, '');
}

/**
 * Key of an organization trail as a member account sees it: the trail belongs to the management
 * account (which reports it under its ARN), and covers this account too.
 */
export function memberTrailKey(trailArn: string, memberAccountId: string): string {
  return `${trailArn}|member:${memberAccountId}`;
}
