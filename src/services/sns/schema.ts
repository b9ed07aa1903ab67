import { defineEntities, defineRelationships, MappedEntities, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { KmsEntities } from '../kms/schema';

/** SNS's entity types: the one place they are spelled. */
export const SnsEntities = defineEntities({
  SERVICE: serviceEntitySchema('sns', 'SNS'),
  TOPIC: { _type: 'aws_sns_topic', _class: ['Channel'], resourceName: 'SNS Topic' },
  SUBSCRIPTION: { _type: 'aws_sns_subscription', _class: ['Subscription'], resourceName: 'SNS Subscription' },
  /** The topic's access policy (GetTopicAttributes `Policy`): read by the ALLOWS analysis. */
  TOPIC_POLICY: { _type: 'aws_sns_topic_policy', _class: ['AccessPolicy'], resourceName: 'SNS Topic Policy' },
});

export const SnsRelationships = defineRelationships({
  SERVICE_HAS_TOPIC: { from: SnsEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: SnsEntities.TOPIC._type },
  TOPIC_HAS_SUBSCRIPTION: { from: SnsEntities.TOPIC._type, verb: RelationshipVerb.HAS, to: SnsEntities.SUBSCRIPTION._type },
  TOPIC_HAS_POLICY: { from: SnsEntities.TOPIC._type, verb: RelationshipVerb.HAS, to: SnsEntities.TOPIC_POLICY._type },
  TOPIC_USES_KEY: { from: SnsEntities.TOPIC._type, verb: RelationshipVerb.USES, to: KmsEntities.KEY._type },
  // The topic policy's grants to everyone and to other accounts (graph/mapped.ts, analysis/mapped-entities.ts).
  TOPIC_ALLOWS: { from: SnsEntities.TOPIC._type, verb: RelationshipVerb.ALLOWS, to: [MappedEntities.EVERYONE._type, 'aws_account'] },
});

/** Key of a topic's `aws_sns_topic_policy` entity. */
export function snsTopicPolicyKey(topicArn: string): string {
  return `${topicArn}|policy`;
}
