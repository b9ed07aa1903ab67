import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const CLOUDFRONT_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'cloudfront',
    actionClass: 'all',
    limit: { capacity: 10, refillPerSecond: 5 },
    scope: 'account',
    perOperation: true,
    source: 'CloudFront publishes no per-second quota for its control plane (aws-api-limits.md): conservative default, one global endpoint per account',
  },
];
