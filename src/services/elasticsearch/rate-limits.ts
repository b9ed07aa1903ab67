import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const OPENSEARCH_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'opensearch',
    actionClass: 'read',
    limit: { capacity: 20, refillPerSecond: 5 },
    scope: 'region',
    perOperation: true,
    source: 'OpenSearch Service publishes no per-second quota for its configuration API (conservative default: 20 tokens, 5/s per action)',
  },
];
