import { GetQueueAttributesCommand, ListQueueTagsCommand, paginateListQueues, SQSClient } from '@aws-sdk/client-sqs';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { KmsEntities, resolveKmsKeyReference } from '../kms/schema';
import { addMappedEntities, kmsKeyEdge, resourcePolicyEdges } from '../resource-edges';
import { convertSqsQueue, convertSqsQueuePolicy, sqsQueueHasPolicy, sqsQueuePolicyGrants, sqsServiceHasQueue } from './converters';
import { SqsEntities, SqsRelationships } from './schema';

const QUEUE_TYPE = SqsEntities.QUEUE._type;

export const sqsQueuesCollector: Collector = {
  id: 'sqs-queues',
  service: 'sqs',
  scope: 'regional',
  events: [
    {
      source: 'sqs.amazonaws.com',
      names: ['CreateQueue', 'DeleteQueue', 'SetQueueAttributes', 'AddPermission', 'RemovePermission', 'TagQueue', 'UntagQueue'],
      resourceIds: ['requestParameters.queueUrl', 'responseElements.queueUrl'],
    },
  ],
  entities: [SqsEntities.QUEUE, SqsEntities.QUEUE_POLICY],
  relationships: [SqsRelationships.SERVICE_HAS_QUEUE, SqsRelationships.QUEUE_HAS_POLICY, SqsRelationships.QUEUE_USES_KEY, SqsRelationships.QUEUE_ALLOWS],
  permissions: ['sqs:ListQueues', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
  optionalCalls: [
    {
      operation: 'sqs:GetQueueAttributes',
      properties: [
        {
          _type: QUEUE_TYPE,
          properties: [
            'encrypted',
            'encryptionType',
            'kmsKeyId',
            'public',
            'crossAccountAccess',
            'visibilityTimeout',
            'messageRetentionPeriod',
            'deadLetterTargetArn',
            'createdOn',
          ],
        },
      ],
      cost: 'queues have no encryption facts, no access policy (so no ALLOWS edges from it) and no USES edge to their KMS key',
    },
    {
      operation: 'sqs:ListQueueTags',
      properties: [{ _type: QUEUE_TYPE, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'queues have no `tag.*` properties',
    },
  ],
  // KMS keys resolve the aliases queues name (`alias/aws/sqs`) to key entities: a queue's key may
  // be named by alias only, so this collector reads KMS's output (key ARNs need no dependency).
  dependsOn: ['account', 'kms-keys'],
  async run(context) {
    const client = context.client(SQSClient);
    const { accountId } = context.account;
    const { region } = context;
    const queueUrls: string[] = [];
    for await (const page of paginateListQueues({ client }, { MaxResults: 1000 })) queueUrls.push(...(page.QueueUrls ?? []));
    const kmsKeys = context.graph.entitiesOfTypeInAccount(KmsEntities.KEY._type, accountId);
    const read = await mapConcurrent(queueUrls, 4, async (queueUrl) => {
      const attributes = await context.optional(
        'sqs:GetQueueAttributes',
        async () => (await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes,
      );
      const tags = await context.optional('sqs:ListQueueTags', async () => (await client.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))).Tags);
      return { queueUrl, attributes, tags };
    });
    const ingested = await context.ingestedAccounts();
    for (const { queueUrl, attributes, tags } of read) {
      const kmsKeyArn = resolveKmsKeyReference(attributes?.KmsMasterKeyId || undefined, accountId, region, kmsKeys);
      const facts = { queueUrl, attributes, tags, accountId, region, kmsKeyArn };
      const queue = context.addEntity(convertSqsQueue(facts));
      context.addRelationship(sqsServiceHasQueue(accountId, queue));
      const policy = convertSqsQueuePolicy(facts);
      if (policy) context.addRelationship(sqsQueueHasPolicy(queue, context.addEntity(policy)));
      const key = kmsKeyEdge(queue, kmsKeyArn, { accountId, region }, ingested);
      const allows = resourcePolicyEdges(queue, sqsQueuePolicyGrants(facts), ingested, { source: 'queue-policy' });
      addMappedEntities(context.graph, [...key.mappedEntities, ...allows.mappedEntities]);
      context.addRelationships([...key.relationships, ...allows.relationships]);
    }
  },
};
