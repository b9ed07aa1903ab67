import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const SNS_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'sns',
    actionClass: 'list',
    operations: ['ListTopics', 'ListSubscriptions', 'ListSubscriptionsByTopic'],
    limit: { capacity: 30, refillPerSecond: 30 },
    scope: 'region',
    perOperation: true,
    source: 'SNS API throttling quotas: ListTopics, ListSubscriptions, ListSubscriptionsByTopic about 30 TPS (aws-api-limits.md: from memory, unverified)',
  },
  {
    service: 'sns',
    actionClass: 'read',
    limit: { capacity: 20, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source:
      'SNS publishes per-action quotas that were not found for GetTopicAttributes and ListTagsForResource (conservative default: 20 tokens, 10/s per action)',
  },
];
