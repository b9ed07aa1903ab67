import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const KMS_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'kms',
    actionClass: 'read',
    // KMS's published read quotas are hundreds to thousands per second; 50/s per action is a
    // fraction of them and more than one region's keys need.
    limit: { capacity: 100, refillPerSecond: 50 },
    scope: 'region',
    perOperation: true,
    source: 'KMS request quotas (paced well below them)',
  },
];
