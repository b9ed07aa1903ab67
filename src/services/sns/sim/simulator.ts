import type {
  GetTopicAttributesCommandInput,
  GetTopicAttributesCommandOutput,
  ListSubscriptionsByTopicCommandInput,
  ListSubscriptionsByTopicCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  ListTopicsCommandInput,
  ListTopicsCommandOutput,
  Subscription,
  Tag,
} from '@aws-sdk/client-sns';
import { collection, custom, defineSimulatedService, list, ownRandom, tags, type WorldRecord } from '../../../sim/service-kit';

/** A topic in the world: its ARN, GetTopicAttributes' settable attributes, and its tags. */
interface WorldTopic {
  TopicArn: string;
  Attributes?: Record<string, string>;
  Tags?: Tag[];
}

const TOPIC_ARN = '^arn:aws:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+(\\.fifo)?$';

export const snsSimulator = defineSimulatedService({
  service: 'sns',
  clientName: 'SNSClient',
  scope: 'regional',
  errors: { accessDenied: 'AuthorizationError', throttling: 'Throttling', invalidToken: 'InvalidParameter' },
  collections: {
    topics: collection<WorldTopic>({
      id: 'TopicArn',
      fields: {
        TopicArn: { type: 'string', pattern: TOPIC_ARN },
        Attributes: { type: 'object', additionalProperties: { type: 'string' } },
      },
      worldOnly: ['Tags'],
      notFound: { error: 'NotFound', message: () => 'Topic does not exist' },
    }),
    subscriptions: collection<Subscription>({
      id: 'SubscriptionArn',
      required: ['TopicArn', 'Protocol', 'Endpoint'],
      fields: {
        TopicArn: { type: 'string', pattern: TOPIC_ARN },
        Protocol: { enum: ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'] },
      },
      notFound: { error: 'NotFound', message: () => 'Subscription does not exist' },
    }),
  },
  operations: {
    ListTopics: list<ListTopicsCommandInput, ListTopicsCommandOutput>('topics', { items: 'Topics', awsMax: 100, item: ['TopicArn'] }),
    // The attributes AWS computes (owner, subscription counts, the default policy's absence) are derived here.
    GetTopicAttributes: custom<GetTopicAttributesCommandInput, GetTopicAttributesCommandOutput>((input, context, kit) => {
      const topic = kit.find('topics', input.TopicArn, context) as WorldRecord & WorldTopic;
      const subscriptions = kit.records('subscriptions', context).filter((subscription) => subscription.TopicArn === topic.TopicArn);
      const confirmed = subscriptions.filter((subscription) => String(subscription.SubscriptionArn).startsWith('arn:')).length;
      return {
        Attributes: {
          TopicArn: topic.TopicArn,
          Owner: context.account.id,
          SubscriptionsConfirmed: String(confirmed),
          SubscriptionsPending: String(subscriptions.length - confirmed),
          SubscriptionsDeleted: '0',
          ...topic.Attributes,
        },
      };
    }),
    ListTagsForResource: tags<ListTagsForResourceCommandInput, ListTagsForResourceCommandOutput>('topics', { id: 'ResourceArn' }),
    ListSubscriptionsByTopic: list<ListSubscriptionsByTopicCommandInput, ListSubscriptionsByTopicCommandOutput, Subscription>('subscriptions', {
      items: 'Subscriptions',
      awsMax: 100,
      // The topic's subscriptions, whoever owns them (other accounts' too).
      filter: (subscription, input) => subscription.TopicArn === input.TopicArn,
    }),
  },
  generate: ({ accountId, region, size }) => {
    const random = ownRandom({ accountId, region }, 'sns');
    const topics: WorldTopic[] = [];
    const subscriptions: Subscription[] = [];
    // A few topics per region: alarms and events fan out through a handful of them.
    for (let index = 0; index < Math.max(1, Math.ceil(size / 4)); index += 1) {
      const TopicArn = `arn:aws:sns:${region}:${accountId}:alerts-${index}`;
      const encrypted = random() < 0.6;
      topics.push({ TopicArn, Attributes: encrypted ? { KmsMasterKeyId: 'alias/aws/sns' } : {}, Tags: [{ Key: 'team', Value: `team-${index % 5}` }] });
      subscriptions.push({
        SubscriptionArn: `${TopicArn}:${(index + 1).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
        TopicArn,
        Protocol: 'email',
        Endpoint: `oncall-${index}@generated.example`,
        Owner: accountId,
      });
    }
    return { topics, subscriptions };
  },
});
