import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const API_GATEWAY_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'apigateway',
    actionClass: 'GetResources',
    operations: ['GetResources'],
    limit: { capacity: 5, refillPerSecond: 5 },
    scope: 'region',
    perOperation: true,
    source:
      'API Gateway quotas for creating, deploying and managing an API: GetResources 5 requests per second per account and Region (aws-api-limits.md, unverified)',
  },
  {
    service: 'apigateway',
    actionClass: 'management',
    limit: { capacity: 40, refillPerSecond: 10 },
    scope: 'region',
    perOperation: false,
    source: 'API Gateway management quota: 10 requests per second, burst 40, per account and Region (aws-api-limits.md, unverified)',
  },
  {
    service: 'apigatewayv2',
    actionClass: 'management',
    limit: { capacity: 40, refillPerSecond: 10 },
    scope: 'region',
    perOperation: false,
    source:
      'API Gateway management quota, applied to the v2 (HTTP and WebSocket) API too: 10 requests per second, burst 40, per account and Region (unverified)',
  },
];
