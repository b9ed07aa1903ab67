import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const DYNAMODB_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'dynamodb',
    actionClass: 'control-plane',
    // Control-plane reads (ListTables, DescribeTable, DescribeContinuousBackups) share a modest,
    // unpublished budget; DescribeTable runs once per table, so the bucket is shared by the class.
    limit: { capacity: 40, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'DynamoDB publishes no per-second quota for control-plane reads (conservative default: 40 tokens, 10/s per action)',
  },
];
