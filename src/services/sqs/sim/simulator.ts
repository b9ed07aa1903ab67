import type {
  GetQueueAttributesCommandInput,
  GetQueueAttributesCommandOutput,
  ListQueuesCommandInput,
  ListQueuesCommandOutput,
  ListQueueTagsCommandInput,
  ListQueueTagsCommandOutput,
} from '@aws-sdk/client-sqs';
import { collection, custom, defineSimulatedService, list, ownRandom, tags, type WorldRecord } from '../../../sim/service-kit';

/** A queue in the world: its URL, the attributes GetQueueAttributes returns, and its tags (a map, as ListQueueTags returns them). */
interface WorldQueue {
  QueueUrl: string;
  Attributes?: Record<string, string>;
  Tags?: Record<string, string>;
}

/** `arn:aws:sqs:<region>:<account>:<name>` of a queue URL. */
function queueArn(queueUrl: string): string {
  const url = new URL(queueUrl);
  const region = /^sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? 'us-east-1';
  const [, accountId, name] = url.pathname.split('/');
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

export const sqsSimulator = defineSimulatedService({
  service: 'sqs',
  clientName: 'SQSClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDenied', throttling: 'RequestThrottled', invalidToken: 'InvalidParameterValue' },
  collections: {
    queues: collection<WorldQueue>({
      id: 'QueueUrl',
      fields: {
        QueueUrl: { type: 'string', pattern: '^https://sqs\\.[a-z0-9-]+\\.amazonaws\\.com/\\d{12}/[A-Za-z0-9_-]+(\\.fifo)?$' },
        Attributes: { type: 'object', additionalProperties: { type: 'string' } },
      },
      worldOnly: ['Tags'],
      notFound: { error: 'QueueDoesNotExist', message: () => 'The specified queue does not exist.' },
    }),
  },
  operations: {
    ListQueues: list<ListQueuesCommandInput, ListQueuesCommandOutput, WorldQueue>('queues', {
      items: 'QueueUrls',
      maxResults: 'MaxResults',
      awsMax: 1000,
      filter: (queue, input) => !input.QueueNamePrefix || (queueArn(queue.QueueUrl).split(':').pop() ?? '').startsWith(input.QueueNamePrefix),
      item: (view) => view.QueueUrl,
    }),
    // SQS's defaults and computed attributes under the world's own.
    GetQueueAttributes: custom<GetQueueAttributesCommandInput, GetQueueAttributesCommandOutput>((input, context, kit) => {
      const queue = kit.find('queues', input.QueueUrl, context) as WorldRecord & WorldQueue;
      const arn = queueArn(queue.QueueUrl);
      return {
        Attributes: {
          QueueArn: arn,
          ApproximateNumberOfMessages: '0',
          CreatedTimestamp: '1704067200',
          LastModifiedTimestamp: '1704067200',
          VisibilityTimeout: '30',
          MaximumMessageSize: '262144',
          MessageRetentionPeriod: '345600',
          DelaySeconds: '0',
          ReceiveMessageWaitTimeSeconds: '0',
          SqsManagedSseEnabled: 'false',
          ...(arn.endsWith('.fifo') ? { FifoQueue: 'true' } : {}),
          ...queue.Attributes,
        },
      };
    }),
    ListQueueTags: tags<ListQueueTagsCommandInput, ListQueueTagsCommandOutput>('queues', { id: 'QueueUrl', shape: 'map' }),
  },
  generate: ({ accountId, region, size }) => {
    const random = ownRandom({ accountId, region }, 'sqs');
    return {
      queues: Array.from({ length: Math.max(1, Math.ceil(size / 2)) }, (_, index): WorldQueue => {
        const roll = random();
        const encryption: Record<string, string> = roll < 0.5 ? { SqsManagedSseEnabled: 'true' } : roll < 0.8 ? { KmsMasterKeyId: 'alias/aws/sqs' } : {};
        return { QueueUrl: `https://sqs.${region}.amazonaws.com/${accountId}/jobs-${index}`, Attributes: encryption, Tags: { team: `team-${index % 5}` } };
      }),
    };
  },
});
