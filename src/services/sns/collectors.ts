import { GetTopicAttributesCommand, ListTagsForResourceCommand, paginateListSubscriptions, paginateListTopics, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import type { Entity } from '../../graph';
import { KmsEntities, resolveKmsKeyReference } from '../kms/schema';
import { convertSnsSubscription, convertSnsTopic, convertSnsTopicPolicy, snsServiceHasTopic, snsTopicHas, snsTopicUsesKmsKey } from './converters';
import { SnsEntities, SnsRelationships } from './schema';

const TOPIC_TYPE = SnsEntities.TOPIC._type;

export const snsTopicsCollector: Collector = {
  id: 'sns-topics',
  service: 'sns',
  scope: 'regional',
  events: [
    {
      source: 'sns.amazonaws.com',
      names: ['CreateTopic', 'DeleteTopic', 'SetTopicAttributes', 'AddPermission', 'RemovePermission', 'Subscribe', 'Unsubscribe', 'ConfirmSubscription', 'TagResource', 'UntagResource'],
      resourceIds: ['requestParameters.topicArn', 'responseElements.topicArn', 'requestParameters.resourceArn'],
    },
  ],
  entities: [SnsEntities.TOPIC, SnsEntities.SUBSCRIPTION, SnsEntities.TOPIC_POLICY],
  relationships: [SnsRelationships.SERVICE_HAS_TOPIC, SnsRelationships.TOPIC_HAS_SUBSCRIPTION, SnsRelationships.TOPIC_HAS_POLICY, SnsRelationships.TOPIC_USES_KEY],
  permissions: ['sns:ListTopics', 'sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:ListSubscriptions'],
  optionalCalls: [
    {
      operation: 'sns:GetTopicAttributes',
      properties: [{ _type: TOPIC_TYPE, properties: ['encrypted', 'kmsKeyId', 'public', 'owner', 'subscriptionsConfirmed', 'subscriptionsPending', 'displayName'] }],
      cost: 'topics have no encryption facts, no access policy (so no ALLOWS edges from it) and no USES edge to their KMS key',
    },
    {
      operation: 'sns:ListTagsForResource',
      properties: [{ _type: TOPIC_TYPE, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'topics have no `tag.*` properties',
    },
    {
      operation: 'sns:ListSubscriptions',
      per: 'scope',
      cost: 'no `aws_sns_subscription` entities and no topic HAS subscription edges',
    },
  ],
  // KMS keys resolve the aliases topics name (`alias/aws/sns`) to key entities.
  dependsOn: ['account', 'kms-keys'],
  async run(context) {
    const client = context.client(SNSClient);
    const { accountId } = context.account;
    const { region } = context;
    const topicArns: string[] = [];
    for await (const page of paginateListTopics({ client }, {})) {
      for (const topic of page.Topics ?? []) if (topic.TopicArn) topicArns.push(topic.TopicArn);
    }
    const kmsKeys = context.graph.entitiesOfTypeInAccount(KmsEntities.KEY._type, accountId);
    const topics = new Map<string, Entity>();
    await mapConcurrent(topicArns, 4, async (topicArn) => {
      const attributes = await context.optional('sns:GetTopicAttributes', async () => (await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes);
      const tags = await context.optional('sns:ListTagsForResource', async () => (await client.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }))).Tags);
      const facts = { topicArn, attributes, tags, accountId, region, kmsKeyArn: resolveKmsKeyReference(attributes?.KmsMasterKeyId || undefined, accountId, region, kmsKeys) };
      const topic = context.addEntity(convertSnsTopic(facts));
      topics.set(topicArn, topic);
      context.addRelationship(snsServiceHasTopic(accountId, topic));
      const policy = convertSnsTopicPolicy(facts);
      if (policy) context.addRelationship(snsTopicHas(topic, context.addEntity(policy)));
      const usesKey = snsTopicUsesKmsKey(topic, facts.kmsKeyArn);
      if (usesKey) context.addRelationship(usesKey);
    });
    // One paginated list for the region rather than one per topic. It also lists this account's
    // subscriptions to other accounts' topics: those are left to the topic's own account.
    const subscriptions = await context.optional('sns:ListSubscriptions', async () => {
      const found: Subscription[] = [];
      for await (const page of paginateListSubscriptions({ client }, {})) found.push(...(page.Subscriptions ?? []));
      return found;
    });
    for (const subscription of subscriptions ?? []) {
      const topic = subscription.TopicArn ? topics.get(subscription.TopicArn) : undefined;
      const entity = topic ? convertSnsSubscription(subscription, accountId, region) : undefined;
      if (topic && entity) context.addRelationship(snsTopicHas(topic, context.addEntity(entity)));
    }
  },
};
