import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const SQS_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'sqs',
    actionClass: 'read',
    limit: { capacity: 20, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'SQS publishes no quota for its control-plane reads (conservative default: 20 tokens, 10/s per action)',
  },
];
