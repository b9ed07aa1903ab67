import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const TRANSFER_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'transfer',
    actionClass: 'read',
    limit: { capacity: 10, refillPerSecond: 5 },
    scope: 'region',
    perOperation: true,
    source:
      'Transfer Family publishes no per-second quota for its List*/Describe* calls (aws-api-limits.md: none found; conservative default: 10 tokens, 5/s per action)',
  },
];
