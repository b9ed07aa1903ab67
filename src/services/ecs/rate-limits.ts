import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const ECS_RATE_LIMITS: readonly RateLimitRule[] = [
  // ECS "Request throttling for the Amazon ECS API": token buckets per account and Region, per group
  // of actions. Cluster reads (DescribeClusters) have 50 tokens; the refill of 20 per second is from a
  // partial copy of the page's table (aws-api-limits.md marks it unverified).
  {
    service: 'ecs',
    actionClass: 'cluster-reads',
    operations: ['DescribeClusters', 'ListClusters'],
    limit: { capacity: 50, refillPerSecond: 20 },
    scope: 'region',
    perOperation: false,
    source: 'ECS request throttling: cluster read actions 50-token bucket (documented), refill 20/s (partial copy, unverified)',
  },
  {
    service: 'ecs',
    actionClass: 'other-reads',
    limit: { capacity: 50, refillPerSecond: 20 },
    scope: 'region',
    perOperation: true,
    source: 'conservative default: the cluster-read bucket applied per action (the other groups were not found in the published table)',
  },
];
