import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const SECURITYHUB_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'securityhub',
    actionClass: 'other-operations',
    limit: { capacity: 30, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source:
      'Security Hub API reference: operations without their own rate (DescribeHub, GetEnabledStandards) 10 requests per second, burst 30 (aws-api-limits.md: commonly cited, not confirmed)',
  },
];
