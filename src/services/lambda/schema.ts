import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** Lambda's entity types: the one place they are spelled. */
export const LambdaEntities = defineEntities({
  SERVICE: serviceEntitySchema('lambda', 'Lambda'),
  FUNCTION: { _type: 'aws_lambda_function', _class: ['Function'], resourceName: 'Lambda Function' },
  /** The function's resource-based policy (GetPolicy): an AccessPolicy, so the policy analysis derives its ALLOWS edges. */
  FUNCTION_POLICY: { _type: 'aws_lambda_function_policy', _class: ['AccessPolicy'], resourceName: 'Lambda Function Policy' },
});

/**
 * Types of services not collected yet that trigger functions: Lambda's edges reach them as mapped
 * placeholders until their own service spells them (with the same classes: the schema test checks it).
 */
export const LambdaEventSourceEntities = defineEntities({
  SQS_QUEUE: { _type: 'aws_sqs_queue', _class: ['Queue'], resourceName: 'SQS Queue' },
  SNS_TOPIC: { _type: 'aws_sns_topic', _class: ['Channel'], resourceName: 'SNS Topic' },
  EVENT_RULE: { _type: 'aws_cloudwatch_event_rule', _class: ['Task'], resourceName: 'CloudWatch Event Rule' },
  REST_API: { _type: 'aws_api_gateway_rest_api', _class: ['Gateway'], resourceName: 'API Gateway REST API' },
  KINESIS_STREAM: { _type: 'aws_kinesis_stream', _class: ['Queue'], resourceName: 'Kinesis Stream' },
});

/** Types of other services that Lambda's edges reach. */
export const LambdaTargets = {
  ROLE: 'aws_iam_role',
  VPC: 'aws_vpc',
  SECURITY_GROUP: 'aws_security_group',
  KMS_KEY: 'aws_kms_key',
  /** Event sources of event-source mappings, by the service of their ARN. */
  SQS_QUEUE: 'aws_sqs_queue',
  DYNAMODB_TABLE: 'aws_dynamodb_table',
  KINESIS_STREAM: 'aws_kinesis_stream',
  GENERIC: 'aws_resource',
  /** Sources named in function policies (`aws:SourceArn` of a service principal). */
  S3_BUCKET: 'aws_s3_bucket',
  SNS_TOPIC: 'aws_sns_topic',
  EVENT_RULE: 'aws_cloudwatch_event_rule',
  REST_API: 'aws_api_gateway_rest_api',
} as const;

export const LambdaRelationships = defineRelationships({
  SERVICE_HAS_FUNCTION: { from: LambdaEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: LambdaEntities.FUNCTION._type },
  FUNCTION_HAS_ROLE: { from: LambdaEntities.FUNCTION._type, verb: RelationshipVerb.HAS, to: LambdaTargets.ROLE },
  FUNCTION_HAS_NETWORK: { from: LambdaEntities.FUNCTION._type, verb: RelationshipVerb.HAS, to: [LambdaTargets.VPC, LambdaTargets.SECURITY_GROUP] },
  FUNCTION_HAS_POLICY: { from: LambdaEntities.FUNCTION._type, verb: RelationshipVerb.HAS, to: LambdaEntities.FUNCTION_POLICY._type },
  FUNCTION_USES_KEY: { from: LambdaEntities.FUNCTION._type, verb: RelationshipVerb.USES, to: LambdaTargets.KMS_KEY },
  QUEUE_TRIGGERS_FUNCTION: { from: LambdaTargets.SQS_QUEUE, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  TABLE_TRIGGERS_FUNCTION: { from: LambdaTargets.DYNAMODB_TABLE, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  STREAM_TRIGGERS_FUNCTION: { from: LambdaTargets.KINESIS_STREAM, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  BUCKET_TRIGGERS_FUNCTION: { from: LambdaTargets.S3_BUCKET, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  TOPIC_TRIGGERS_FUNCTION: { from: LambdaTargets.SNS_TOPIC, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  RULE_TRIGGERS_FUNCTION: { from: LambdaTargets.EVENT_RULE, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  API_TRIGGERS_FUNCTION: { from: LambdaTargets.REST_API, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
  RESOURCE_TRIGGERS_FUNCTION: { from: LambdaTargets.GENERIC, verb: RelationshipVerb.TRIGGERS, to: LambdaEntities.FUNCTION._type },
});
