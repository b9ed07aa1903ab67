import type { Subscription, Tag } from '@aws-sdk/client-sns';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { parsePolicyDocument, policyDocumentText } from '../../policy/document';
import { resourcePolicyGrants, resourcePolicyIsPublic } from '../../policy/resource-policy';
import { SnsEntities, snsTopicPolicyKey } from './schema';

/** GetTopicAttributes' `Attributes` map (every value a string). */
export type TopicAttributes = Record<string, string>;

export interface SnsTopicFacts {
  topicArn: string;
  /** From GetTopicAttributes; absent when the call failed. */
  attributes?: TopicAttributes;
  tags?: Tag[];
  /** The KMS key entity's key when the collector resolved the topic's `KmsMasterKeyId`. */
  kmsKeyArn?: string;
  accountId: string;
  region: string;
}

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** `aws_sns_topic` from ListTopics' ARN, enriched by GetTopicAttributes and the tags. */
export function convertSnsTopic(facts: SnsTopicFacts): Entity {
  const { topicArn, attributes } = facts;
  const topicName = topicArn.split(':').pop() ?? topicArn;
  const kmsMasterKeyId = attributes ? attributes.KmsMasterKeyId || undefined : undefined;
  const policy = policyDocumentText(attributes?.Policy);
  const grants = resourcePolicyGrants(policy, facts.accountId);
  return createEntity({
    _key: topicArn,
    schema: SnsEntities.TOPIC,
    name: topicName,
    displayName: attributes?.DisplayName || undefined,
    tags: facts.tags,
    properties: {
      arn: topicArn,
      topicName,
      accountId: facts.accountId,
      region: facts.region,
      // `Owner` (the topic's account); `owner` is the tag-derived owner, as on every entity.
      ownerAccountId: attributes?.Owner,
      fifoTopic: attributes ? attributes.FifoTopic === 'true' : topicName.endsWith('.fifo'),
      contentBasedDeduplication: attributes?.ContentBasedDeduplication === undefined ? undefined : attributes.ContentBasedDeduplication === 'true',
      // Server-side encryption is on exactly when the topic names a KMS key.
      encrypted: attributes ? kmsMasterKeyId !== undefined : undefined,
      kmsKeyId: kmsMasterKeyId,
      subscriptionsConfirmed: numberOf(attributes?.SubscriptionsConfirmed),
      subscriptionsPending: numberOf(attributes?.SubscriptionsPending),
      subscriptionsDeleted: numberOf(attributes?.SubscriptionsDeleted),
      signatureVersion: attributes?.SignatureVersion,
      tracingConfig: attributes?.TracingConfig,
      // Unknown (undefined) without the attributes or with a policy that cannot be read.
      public: attributes ? resourcePolicyIsPublic(policy) : undefined,
      crossAccountAccess: attributes && grants.parsed ? grants.accounts.length > 0 : undefined,
      webLink: `https://console.aws.amazon.com/sns/v3/home?region=${facts.region}#/topic/${topicArn}`,
    },
  });
}

/** What the topic policy grants everyone and other accounts (the topic's ALLOWS edges). */
export function snsTopicPolicyGrants(facts: Pick<SnsTopicFacts, 'attributes' | 'accountId'>) {
  return resourcePolicyGrants(policyDocumentText(facts.attributes?.Policy), facts.accountId);
}

/** The topic's access policy as an `AccessPolicy` entity, when the topic has one. */
export function convertSnsTopicPolicy(facts: SnsTopicFacts): Entity | undefined {
  const document = policyDocumentText(facts.attributes?.Policy);
  if (!document) return undefined;
  const topicName = facts.topicArn.split(':').pop() ?? facts.topicArn;
  const parsed = parsePolicyDocument(document);
  return createEntity({
    _key: snsTopicPolicyKey(facts.topicArn),
    schema: SnsEntities.TOPIC_POLICY,
    name: `${topicName}-policy`,
    properties: {
      policyName: `${topicName}-policy`,
      topicArn: facts.topicArn,
      accountId: facts.accountId,
      region: facts.region,
      document,
      statementCount: parsed?.statements.length,
      public: resourcePolicyIsPublic(document),
    },
  });
}

/**
 * An HTTP(S) endpoint without the user and password basic authentication may carry (secrets never
 * reach the graph); other endpoints (mailboxes, ARNs, phone numbers) as they are.
 */
export function safeEndpoint(endpoint: string): string {
  if (!/^https?:\/\//i.test(endpoint)) return endpoint;
  try {
    const url = new URL(endpoint);
    if (!url.username && !url.password) return endpoint;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return endpoint.replace(/\/\/[^/@]*@/, '//');
  }
}

/** `aws_sns_subscription` from ListSubscriptions; the endpoint of an email subscription is kept (it names a mailbox, not a secret). */
export function convertSnsSubscription(subscription: Subscription, accountId: string, region: string): Entity | undefined {
  const arn = subscription.SubscriptionArn;
  // `PendingConfirmation` (and `Deleted`) stand in for the ARN until the endpoint confirms.
  const confirmed = arn?.startsWith('arn:') ?? false;
  if (!subscription.TopicArn || !subscription.Endpoint || !subscription.Protocol) return undefined;
  const endpoint = safeEndpoint(subscription.Endpoint);
  const key = confirmed && arn ? arn : `${subscription.TopicArn}|subscription|${subscription.Protocol}|${endpoint}`;
  return createEntity({
    _key: key,
    schema: SnsEntities.SUBSCRIPTION,
    name: `${subscription.Protocol}:${endpoint}`,
    properties: {
      arn: confirmed ? arn : undefined,
      topicArn: subscription.TopicArn,
      protocol: subscription.Protocol,
      endpoint,
      ownerAccountId: subscription.Owner,
      confirmed,
      pendingConfirmation: arn === 'PendingConfirmation',
      accountId,
      region,
    },
  });
}

export function snsServiceHasTopic(accountId: string, topic: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'sns'), verb: RelationshipVerb.HAS, to: topic });
}

export function snsTopicHas(topic: Entity, target: Entity): Relationship {
  return createRelationship({ from: topic, verb: RelationshipVerb.HAS, to: target });
}
