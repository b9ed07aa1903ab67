import type { RateLimitRule } from '../../aws/rate-limits';

/**
 * This module's request buckets (CloudWatch, CloudWatch Logs and EventBridge), as the access layer
 * paces calls and the simulated AWS throttles them.
 */
export const CLOUDWATCH_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'cloudwatch',
    actionClass: 'DescribeAlarms',
    operations: ['DescribeAlarms'],
    limit: { capacity: 9, refillPerSecond: 9 },
    scope: 'region',
    perOperation: true,
    source: 'CloudWatch service quotas: DescribeAlarms 9 TPS per account and region',
  },
  {
    service: 'cloudwatch',
    actionClass: 'read',
    // Not published for ListTagsForResource; paced like the upper end of the fixed 3-10 TPS alarm APIs.
    limit: { capacity: 10, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'CloudWatch publishes no quota for these reads (assumed: 10 TPS per action)',
  },
  {
    service: 'cloudwatchlogs',
    actionClass: 'DescribeMetricFilters',
    operations: ['DescribeMetricFilters'],
    limit: { capacity: 5, refillPerSecond: 5 },
    scope: 'region',
    perOperation: true,
    source: 'CloudWatch Logs quotas: DescribeMetricFilters 5 TPS per account and region (aws-api-limits.md: unverified)',
  },
  {
    service: 'cloudwatchlogs',
    actionClass: 'read',
    // DescribeLogGroups is 10 TPS; ListTagsForResource is not published and paced the same.
    limit: { capacity: 10, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'CloudWatch Logs quotas: DescribeLogGroups 10 TPS (ListTagsForResource assumed the same)',
  },
  {
    service: 'eventbridge',
    actionClass: 'read',
    limit: { capacity: 20, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'EventBridge publishes no quota for its List calls (assumed: 10 TPS per action)',
  },
];
