import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const EC2_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'ec2',
    actionClass: 'unfiltered-unpaginated-non-mutating',
    // AWS applies the smaller bucket only to unfiltered, unpaginated calls of these actions; the
    // pacer applies it to every call of them, which costs nothing for paginated collectors (a few
    // pages per region) and never overdraws when a collector forgets to paginate.
    operations: ['DescribeInstances', 'DescribeNetworkInterfaces', 'DescribeSecurityGroups', 'DescribeSnapshots', 'DescribeVolumes'],
    limit: { capacity: 50, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'EC2 API request throttling: unfiltered and unpaginated non-mutating actions',
  },
  {
    service: 'ec2',
    actionClass: 'non-mutating',
    operations: /^(Describe|List|Get|Search)/,
    limit: { capacity: 100, refillPerSecond: 20 },
    scope: 'region',
    perOperation: true,
    source: 'EC2 API request throttling: non-mutating actions',
  },
  {
    service: 'ec2',
    actionClass: 'mutating',
    limit: { capacity: 200, refillPerSecond: 5 },
    scope: 'region',
    perOperation: true,
    source: 'EC2 API request throttling: mutating actions',
  },
];
