import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const CLOUDFORMATION_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'cloudformation',
    actionClass: 'read',
    limit: { capacity: 10, refillPerSecond: 5 },
    scope: 'region',
    perOperation: true,
    source: 'CloudFormation publishes no per-second quota for its reads (conservative default: 10 tokens, 5/s per action)',
  },
];
