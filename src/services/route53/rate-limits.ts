import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const ROUTE53_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'route53',
    actionClass: 'all',
    limit: { capacity: 5, refillPerSecond: 5 },
    scope: 'account',
    perOperation: false,
    source:
      'Route 53 Developer Guide, DNS limitations: five requests per second per AWS account, shared by every Route 53 API operation (and the console). ' +
      "AWS's newer token buckets (account-wide 50, refill 10/s) are looser, so pacing at 5/s stays inside both",
  },
  {
    service: 'route53domains',
    actionClass: 'all',
    limit: { capacity: 5, refillPerSecond: 5 },
    scope: 'account',
    perOperation: false,
    source: 'Route 53 Domains publishes no quota: conservative default, paced like the Route 53 API (one us-east-1 endpoint per account)',
  },
];
