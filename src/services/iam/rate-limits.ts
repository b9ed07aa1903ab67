import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const IAM_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'iam',
    actionClass: 'read',
    // No published per-second quota; limits are account-wide and shared with the console. The
    // project assumes a moderate bucket per action (the simulated IAM uses the same).
    limit: { capacity: 100, refillPerSecond: 40 },
    scope: 'account',
    perOperation: true,
    source: 'IAM publishes no per-second quota (assumed: 100 tokens, 40/s per action)',
  },
];
