import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const CLOUDTRAIL_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'cloudtrail',
    actionClass: 'LookupEvents',
    operations: ['LookupEvents'],
    limit: { capacity: 2, refillPerSecond: 2 },
    scope: 'region',
    perOperation: true,
    source: 'CloudTrail API reference: LookupEvents 2 requests per second per account per Region (not called by the collector; kept for its bucket)',
  },
  {
    service: 'cloudtrail',
    actionClass: 'read',
    limit: { capacity: 10, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'CloudTrail quotas: most APIs 10 TPS per account per Region, not adjustable (aws-api-limits.md: from memory, unverified)',
  },
];
