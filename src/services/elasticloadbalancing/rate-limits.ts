import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const ELB_RATE_LIMITS: readonly RateLimitRule[] = [
  // Elastic Load Balancing publishes no per-second quota for its Describe* calls (aws-api-limits.md:
  // "none found", for the classic and the v2 API). Each row is a conservative pace that says so; the
  // two APIs are separate clients (`elasticloadbalancing`, `elasticloadbalancingv2`), so two rows.
  {
    service: 'elasticloadbalancingv2',
    actionClass: 'describe',
    limit: { capacity: 40, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'ELBv2 publishes no per-second quota for Describe* (conservative default: 40 tokens, 10/s per action)',
  },
  {
    service: 'elasticloadbalancing',
    actionClass: 'describe',
    limit: { capacity: 40, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'Classic ELB publishes no per-second quota for Describe* (conservative default: 40 tokens, 10/s per action)',
  },
];
