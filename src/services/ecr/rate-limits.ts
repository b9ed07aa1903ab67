import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const ECR_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'ecr',
    actionClass: 'reads',
    limit: { capacity: 20, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'conservative default: ECR publishes quotas for image push and pull APIs only, none for Describe/List/Get (aws-api-limits.md)',
  },
];
