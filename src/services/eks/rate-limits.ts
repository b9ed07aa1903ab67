import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const EKS_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'eks',
    actionClass: 'reads',
    limit: { capacity: 10, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'conservative default: EKS publishes no request rate for ListClusters or DescribeCluster (aws-api-limits.md)',
  },
];
