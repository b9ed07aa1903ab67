import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const BATCH_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'batch',
    actionClass: 'reads',
    limit: { capacity: 10, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'conservative default: Batch publishes no request rate for its Describe and List calls (aws-api-limits.md)',
  },
];
