import type { RateLimitRule } from '../../aws/rate-limits';

/** This service's request buckets, as the access layer paces calls and the simulated AWS throttles them. */
export const ACM_RATE_LIMITS: readonly RateLimitRule[] = [
  {
    service: 'acm',
    actionClass: 'ListCertificates',
    operations: ['ListCertificates'],
    limit: { capacity: 2, refillPerSecond: 1 },
    scope: 'region',
    perOperation: true,
    source: 'ACM API rate quotas: ListCertificates 1 request per second (aws-api-limits.md: quoted copy, may be dated)',
  },
  {
    service: 'acm',
    actionClass: 'certificate-reads',
    limit: { capacity: 10, refillPerSecond: 10 },
    scope: 'region',
    perOperation: true,
    source: 'ACM API rate quotas: DescribeCertificate and ListTagsForCertificate 10 requests per second',
  },
];
