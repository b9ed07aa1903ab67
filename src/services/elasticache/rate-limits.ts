import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const ELASTICACHE_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'elasticache',
    actionClass: 'describe',
    limit: { capacity: 40, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'ElastiCache publishes no per-second quota for Describe* (conservative default: 40 tokens, 10/s per action)',
  },
];
