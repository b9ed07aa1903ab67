import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const LAMBDA_RATE_LIMITS: readonly RateLimitRule[] = [
  // Lambda (references: Lambda quotas page): GetPolicy 15 rps; the other control-plane calls
  // (ListFunctions, ListTags, ListEventSourceMappings, ...) share 15 rps, per account and Region.
  {
    service: 'lambda',
    actionClass: 'GetPolicy',
    operations: ['GetPolicy'],
    limit: { capacity: 15, refillPerSecond: 15 },
    scope: 'region',
    perOperation: true,
    source: 'Lambda quotas: GetPolicy 15 requests per second',
  },
  {
    service: 'lambda',
    actionClass: 'control-plane',
    limit: { capacity: 15, refillPerSecond: 15 },
    scope: 'region',
    perOperation: false,
    source: 'Lambda quotas: other control-plane API requests 15 per second combined',
  },
];
