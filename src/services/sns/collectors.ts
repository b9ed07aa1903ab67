import {
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  paginateListSubscriptionsByTopic,
  paginateListTopics,
  SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { KmsEntities, resolveKmsKeyReference } from '../kms/schema';
import { addMappedEntities, kmsKeyEdge, resourcePolicyEdges } from '../resource-edges';
import { convertSnsSubscription, convertSnsTopic, convertSnsTopicPolicy, snsServiceHasTopic, snsTopicHas, snsTopicPolicyGrants } from './converters';
import { SnsEntities, SnsRelationships } from './schema';

const TOPIC_TYPE = SnsEntities.TOPIC._type;

export const snsTopicsCollector: Collector = {
  id: 'sns-topics',
  service: 'sns',
  scope: 'regional',
  events: [
    {
      source: 'sns.amazonaws.com',
      names: [
        'CreateTopic',
        'DeleteTopic',
        'SetTopicAttributes',
        'AddPermission',
        'RemovePermission',
        'Subscribe',
        'Unsubscribe',
        'ConfirmSubscription',
        'TagResource',
        'UntagResource',
      ],
      resourceIds: ['requestParameters.topicArn', 'responseElements.topicArn', 'requestParameters.resourceArn'],
    },
  ],
  entities: [SnsEntities.TOPIC, SnsEntities.SUBSCRIPTION, SnsEntities.TOPIC_POLICY],
  relationships: [
    SnsRelationships.SERVICE_HAS_TOPIC,
    SnsRelationships.TOPIC_HAS_SUBSCRIPTION,
    SnsRelationships.TOPIC_HAS_POLICY,
    SnsRelationships.TOPIC_USES_KEY,
    SnsRelationships.TOPIC_ALLOWS,
  ],
  permissions: ['sns:ListTopics', 'sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:ListSubscriptionsByTopic'],
  optionalCalls: [
    {
      operation: 'sns:GetTopicAttributes',
      properties: [
        {
          _type: TOPIC_TYPE,
          properties: ['encrypted', 'kmsKeyId', 'public', 'crossAccountAccess', 'ownerAccountId', 'subscriptionsConfirmed', 'subscriptionsPending'],
        },
      ],
      cost: 'topics have no encryption facts, no access policy (so no ALLOWS edges from it) and no USES edge to their KMS key',
    },
    {
      operation: 'sns:ListTagsForResource',
      properties: [{ _type: TOPIC_TYPE, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'topics have no `tag.*` properties',
    },
    {
      operation: 'sns:ListSubscriptionsByTopic',
      cost: 'no `aws_sns_subscription` entities and no topic HAS subscription edges',
    },
  ],
  // KMS keys resolve the aliases topics name (`alias/aws/sns`) to key entities: a topic's key may
  // be named by alias only, so this collector reads KMS's output (key ARNs need no dependency).
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
    const read = await mapConcurrent(topicArns, 4, async (topicArn) => {
      const attributes = await context.optional(
        'sns:GetTopicAttributes',
        async () => (await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes,
      );
      const tags = await context.optional(
        'sns:ListTagsForResource',
        async () => (await client.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }))).Tags,
      );
      // ListSubscriptionsByTopic, not ListSubscriptions: it also lists other accounts' subscriptions to this topic.
      const subscriptions = await context.optional('sns:ListSubscriptionsByTopic', async () => {
        const found: Subscription[] = [];
        for await (const page of paginateListSubscriptionsByTopic({ client }, { TopicArn: topicArn })) found.push(...(page.Subscriptions ?? []));
        return found;
      });
      return { topicArn, attributes, tags, subscriptions };
    });
    const ingested = await context.ingestedAccounts();
    for (const { topicArn, attributes, tags, subscriptions } of read) {
      const kmsKeyArn = resolveKmsKeyReference(attributes?.KmsMasterKeyId || undefined, accountId, region, kmsKeys);
      const facts = { topicArn, attributes, tags, accountId, region, kmsKeyArn };
      const topic = context.addEntity(convertSnsTopic(facts));
      context.addRelationship(snsServiceHasTopic(accountId, topic));
      const policy = convertSnsTopicPolicy(facts);
      if (policy) context.addRelationship(snsTopicHas(topic, context.addEntity(policy)));
      const key = kmsKeyEdge(topic, kmsKeyArn, { accountId, region }, ingested);
      const allows = resourcePolicyEdges(topic, snsTopicPolicyGrants(facts), ingested, { source: 'topic-policy' });
      addMappedEntities(context.graph, [...key.mappedEntities, ...allows.mappedEntities]);
      context.addRelationships([...key.relationships, ...allows.relationships]);
      for (const subscription of subscriptions ?? []) {
        const entity = convertSnsSubscription(subscription, accountId, region);
        if (entity) context.addRelationship(snsTopicHas(topic, context.addEntity(entity)));
      }
    }
  },
};
