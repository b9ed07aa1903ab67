import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const GUARDDUTY_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'guardduty',
    actionClass: 'read',
    limit: { capacity: 20, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'GuardDuty publishes no per-second quota for its reads (aws-api-limits.md: none found; assumed 10 TPS per action)',
  },
];
