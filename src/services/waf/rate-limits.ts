import type { RateLimitRule } from '../../aws/rate-limits';

const UNVERIFIED =
  'AWS WAF quotas: 5 requests per second for a Get or List action without its own quota (aws-api-limits.md: from memory, unverified; used as a conservative default)';

/**
 * This service's request buckets, as the access layer paces calls and the simulated AWS throttles
 * them: WAF Classic (global `waf`, regional `wafregional`) and WAF (`wafv2`), by SDK client.
 */
export const WAF_RATE_LIMITS: readonly RateLimitRule[] = [
  { service: 'waf', actionClass: 'reads', limit: { capacity: 5, refillPerSecond: 5 }, scope: 'account', perOperation: true, source: UNVERIFIED },
  { service: 'wafregional', actionClass: 'reads', limit: { capacity: 5, refillPerSecond: 5 }, scope: 'region', perOperation: true, source: UNVERIFIED },
];

export const WAF_V2_RATE_LIMITS: readonly RateLimitRule[] = [
  { service: 'wafv2', actionClass: 'reads', limit: { capacity: 5, refillPerSecond: 5 }, scope: 'region', perOperation: true, source: UNVERIFIED },
];
