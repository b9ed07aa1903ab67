import { defineEntities, defineRelationships, MappedEntities, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { KmsEntities } from '../kms/schema';

/** SQS's entity types: the one place they are spelled. */
export const SqsEntities = defineEntities({
  SERVICE: serviceEntitySchema('sqs', 'SQS'),
  QUEUE: { _type: 'aws_sqs_queue', _class: ['Queue'], resourceName: 'SQS Queue' },
  /** The queue's access policy (GetQueueAttributes `Policy`): read by the ALLOWS analysis. */
  QUEUE_POLICY: { _type: 'aws_sqs_queue_policy', _class: ['AccessPolicy'], resourceName: 'SQS Queue Policy' },
});

export const SqsRelationships = defineRelationships({
  SERVICE_HAS_QUEUE: { from: SqsEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: SqsEntities.QUEUE._type },
  QUEUE_HAS_POLICY: { from: SqsEntities.QUEUE._type, verb: RelationshipVerb.HAS, to: SqsEntities.QUEUE_POLICY._type },
  QUEUE_USES_KEY: { from: SqsEntities.QUEUE._type, verb: RelationshipVerb.USES, to: KmsEntities.KEY._type },
  // The queue policy's grants to everyone and to other accounts (graph/mapped.ts, analysis/mapped-entities.ts).
  QUEUE_ALLOWS: { from: SqsEntities.QUEUE._type, verb: RelationshipVerb.ALLOWS, to: [MappedEntities.EVERYONE._type, 'aws_account'] },
});

/** A queue's ARN from its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function sqsQueueArnFromUrl(queueUrl: string, region: string): string {
  const [, accountId = '', name = ''] = new URL(queueUrl).pathname.split('/');
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

/** Key of a queue's `aws_sqs_queue_policy` entity. */
export function sqsQueuePolicyKey(queueArn: string): string {
  return `${queueArn}|policy`;
}
