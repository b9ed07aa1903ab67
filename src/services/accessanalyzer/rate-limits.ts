import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const ACCESS_ANALYZER_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'accessanalyzer',
    actionClass: 'read',
    limit: { capacity: 20, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'IAM Access Analyzer publishes no per-second quota for its reads (aws-api-limits.md: none found; assumed 10 TPS per action)',
  },
];
