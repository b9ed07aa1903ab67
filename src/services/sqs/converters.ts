import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { parsePolicyDocument, policyDocumentText } from '../../policy/document';
import { resourcePolicyGrants, resourcePolicyIsPublic, type ResourcePolicyGrants } from '../../policy/resource-policy';
import { SqsEntities, sqsQueueArnFromUrl, sqsQueuePolicyKey } from './schema';

export interface SqsQueueFacts {
  queueUrl: string;
  /** GetQueueAttributes(`All`); absent when the call failed. */
  attributes?: Record<string, string>;
  /** ListQueueTags' map. */
  tags?: Record<string, string>;
  /** The KMS key entity's key when the collector resolved `KmsMasterKeyId`. */
  kmsKeyArn?: string;
  accountId: string;
  region: string;
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** SQS timestamps are epoch seconds as text. */
function epochSeconds(text: string | undefined): number | undefined {
  const seconds = numberOf(text);
  return seconds === undefined ? undefined : seconds * 1000;
}

export function sqsQueueArn(facts: Pick<SqsQueueFacts, 'queueUrl' | 'attributes' | 'region'>): string {
  return facts.attributes?.QueueArn ?? sqsQueueArnFromUrl(facts.queueUrl, facts.region);
}

/** `RedrivePolicy` (JSON text); undefined when absent or unreadable. */
function redrivePolicy(text: string | undefined): { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as { deadLetterTargetArn?: string; maxReceiveCount?: number }) : undefined;
  } catch {
    return undefined;
  }
}

/** What the queue policy grants everyone and other accounts (the queue's ALLOWS edges). */
export function sqsQueuePolicyGrants(facts: Pick<SqsQueueFacts, 'attributes' | 'accountId'>): ResourcePolicyGrants {
  return resourcePolicyGrants(policyDocumentText(facts.attributes?.Policy), facts.accountId);
}

/** `aws_sqs_queue` from ListQueues' URL, enriched by GetQueueAttributes and the tags. */
export function convertSqsQueue(facts: SqsQueueFacts): Entity {
  const { attributes } = facts;
  const arn = sqsQueueArn(facts);
  const queueName = arn.split(':').pop() ?? arn;
  const kmsMasterKeyId = attributes?.KmsMasterKeyId || undefined;
  const sqsManagedSse = attributes?.SqsManagedSseEnabled === 'true';
  const redrive = redrivePolicy(attributes?.RedrivePolicy);
  const grants = sqsQueuePolicyGrants(facts);
  return createEntity({
    _key: arn,
    schema: SqsEntities.QUEUE,
    name: queueName,
    tags: facts.tags,
    createdOn: epochSeconds(attributes?.CreatedTimestamp),
    properties: {
      arn,
      queueName,
      url: facts.queueUrl,
      accountId: facts.accountId,
      region: facts.region,
      fifoQueue: attributes ? attributes.FifoQueue === 'true' : queueName.endsWith('.fifo'),
      // SSE-KMS (a key) or SSE-SQS (SQS-owned keys): either encrypts messages at rest.
      encrypted: attributes ? kmsMasterKeyId !== undefined || sqsManagedSse : undefined,
      encryptionType: attributes ? (kmsMasterKeyId ? 'SSE-KMS' : sqsManagedSse ? 'SSE-SQS' : 'NONE') : undefined,
      kmsKeyId: kmsMasterKeyId,
      kmsDataKeyReusePeriodSeconds: numberOf(attributes?.KmsDataKeyReusePeriodSeconds),
      visibilityTimeout: numberOf(attributes?.VisibilityTimeout),
      messageRetentionPeriod: numberOf(attributes?.MessageRetentionPeriod),
      maximumMessageSize: numberOf(attributes?.MaximumMessageSize),
      delaySeconds: numberOf(attributes?.DelaySeconds),
      receiveMessageWaitTimeSeconds: numberOf(attributes?.ReceiveMessageWaitTimeSeconds),
      approximateNumberOfMessages: numberOf(attributes?.ApproximateNumberOfMessages),
      deadLetterTargetArn: redrive?.deadLetterTargetArn,
      maxReceiveCount: redrive?.maxReceiveCount,
      // Unknown (undefined) without the attributes or with a policy that cannot be read.
      public: attributes ? resourcePolicyIsPublic(policyDocumentText(attributes.Policy)) : undefined,
      crossAccountAccess: attributes && grants.parsed ? grants.accounts.length > 0 : undefined,
      updatedOn: epochSeconds(attributes?.LastModifiedTimestamp),
      webLink: `https://console.aws.amazon.com/sqs/v2/home?region=${facts.region}#/queues/${encodeURIComponent(facts.queueUrl)}`,
    },
  });
}

/** The queue's access policy as an `AccessPolicy` entity, when the queue has one. */
export function convertSqsQueuePolicy(facts: SqsQueueFacts): Entity | undefined {
  const document = policyDocumentText(facts.attributes?.Policy);
  if (!document) return undefined;
  const arn = sqsQueueArn(facts);
  const queueName = arn.split(':').pop() ?? arn;
  return createEntity({
    _key: sqsQueuePolicyKey(arn),
    schema: SqsEntities.QUEUE_POLICY,
    name: `${queueName}-policy`,
    properties: {
      policyName: `${queueName}-policy`,
      queueArn: arn,
      accountId: facts.accountId,
      region: facts.region,
      document,
      statementCount: parsePolicyDocument(document)?.statements.length,
      public: resourcePolicyIsPublic(document),
    },
  });
}

export function sqsServiceHasQueue(accountId: string, queue: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'sqs'), verb: RelationshipVerb.HAS, to: queue });
}

export function sqsQueueHasPolicy(queue: Entity, policy: Entity): Relationship {
  return createRelationship({ from: queue, verb: RelationshipVerb.HAS, to: policy });
}
