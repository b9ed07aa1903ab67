import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const S3_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 's3',
    actionClass: 'bucket-configuration',
    // S3 allows thousands of requests per second per prefix and publishes no quota for bucket
    // configuration reads; the project assumes a generous bucket per action and region.
    limit: { capacity: 200, refillPerSecond: 100 },
    scope: 'region',
    perOperation: true,
    source: 'S3 publishes no quota for configuration reads (assumed: 200 tokens, 100/s per action)',
  },
];
