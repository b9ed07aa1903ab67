import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const WORKSPACES_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'workspaces',
    actionClass: 'describe',
    limit: { capacity: 20, refillPerSecond: 5 },
    scope: 'region',
    perOperation: true,
    source: 'WorkSpaces publishes no per-second quota for Describe* (aws-api-limits.md; conservative default: 20 tokens, 5/s per action)',
  },
];
