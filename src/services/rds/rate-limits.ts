import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const RDS_RATE_LIMITS: readonly RateLimitRule[] = [
  // Databases (issue 17). None of these services publishes a per-second figure for its control-plane
  // reads (aws-api-limits.md); each row is a conservative pace that says so.
  {
    service: 'rds',
    actionClass: 'describe',
    limit: { capacity: 40, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'RDS publishes no per-second quota for Describe* (conservative default: 40 tokens, 10/s per action)',
  },
];
