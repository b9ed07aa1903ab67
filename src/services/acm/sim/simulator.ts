import type {
  CertificateDetail,
  CertificateSummary,
  DescribeCertificateCommandInput,
  DescribeCertificateCommandOutput,
  ListCertificatesCommandInput,
  ListCertificatesCommandOutput,
  ListTagsForCertificateCommandInput,
  ListTagsForCertificateCommandOutput,
  Tag,
} from '@aws-sdk/client-acm';
import { collection, defineSimulatedService, get, list, tags, type InWorld, ownRandom } from '../../../sim/service-kit';

/** A certificate in the world: DescribeCertificate's `CertificateDetail`, with its tags. */
type WorldCertificate = InWorld<CertificateDetail> & { Tags?: Tag[] };

/** The summary fields ListCertificates returns, read from the detail. */
const SUMMARY_FIELDS: Array<keyof CertificateSummary & keyof CertificateDetail> = [
  'CertificateArn',
  'DomainName',
  'Status',
  'Type',
  'KeyAlgorithm',
  'KeyUsages',
  'ExtendedKeyUsages',
  'RenewalEligibility',
  'ManagedBy',
  'NotBefore',
  'NotAfter',
  'CreatedAt',
  'IssuedAt',
  'ImportedAt',
  'RevokedAt',
];
const DATES = ['CreatedAt', 'IssuedAt', 'ImportedAt', 'NotBefore', 'NotAfter', 'RevokedAt', 'RenewalSummary.UpdatedAt'];

export const acmSimulator = defineSimulatedService({
  service: 'acm',
  clientName: 'ACMClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidArgsException' },
  collections: {
    certificates: collection<WorldCertificate>({
      id: 'CertificateArn',
      required: ['DomainName', 'Status'],
      fields: {
        CertificateArn: { type: 'string', pattern: '^arn:aws:acm:[a-z0-9-]+:\\d{12}:certificate/[0-9a-f-]{36}$' },
        Status: { enum: ['PENDING_VALIDATION', 'ISSUED', 'INACTIVE', 'EXPIRED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'FAILED'] },
        Type: { enum: ['IMPORTED', 'AMAZON_ISSUED', 'PRIVATE'] },
        InUseBy: { type: 'array', items: { type: 'string', pattern: '^arn:' } },
      },
      dates: DATES,
      worldOnly: ['Tags'], // served by ListTagsForCertificate only
      notFound: { error: 'ResourceNotFoundException', message: (arn) => `Could not find certificate ${arn}.` },
    }),
  },
  operations: {
    ListCertificates: list<ListCertificatesCommandInput, ListCertificatesCommandOutput, WorldCertificate>('certificates', {
      items: 'CertificateSummaryList',
      maxResults: 'MaxItems',
      awsMax: 1000,
      // Without `Includes.keyTypes`, ACM lists RSA 2048 certificates only. Responses spell the key
      // algorithm `RSA-2048`, the SDK's enum `RSA_2048`: both are matched.
      filter: (certificate, input) =>
        (input.Includes?.keyTypes ?? ['RSA_2048']).some((type) => type === certificate.KeyAlgorithm?.replace('-', '_')) &&
        (!input.CertificateStatuses?.length || input.CertificateStatuses.some((status) => status === certificate.Status)),
      item: (view, certificate) => ({
        ...Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, view[field]])),
        SubjectAlternativeNameSummaries: certificate.SubjectAlternativeNames,
        InUse: (certificate.InUseBy?.length ?? 0) > 0,
        Exported: false,
      }),
    }),
    DescribeCertificate: get<DescribeCertificateCommandInput, DescribeCertificateCommandOutput>('certificates', {
      id: 'CertificateArn',
      output: 'Certificate',
    }),
    ListTagsForCertificate: tags<ListTagsForCertificateCommandInput, ListTagsForCertificateCommandOutput>('certificates', { id: 'CertificateArn' }),
  },
  generate: ({ accountId, region, size }) => {
    const random = ownRandom({ accountId, region }, 'acm');
    return {
      certificates: Array.from({ length: size }, (_, index): WorldCertificate => {
        const hex = (n: number) =>
          Math.floor(random() * 16 ** n)
            .toString(16)
            .padStart(n, '0');
        const issued = Date.UTC(2024, 0, 1) + Math.floor(random() * 365) * 86_400_000;
        const domain = `service-${index}.generated.example`;
        return {
          CertificateArn: `arn:aws:acm:${region}:${accountId}:certificate/${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
          DomainName: domain,
          SubjectAlternativeNames: [domain],
          Status: 'ISSUED',
          Type: 'AMAZON_ISSUED',
          KeyAlgorithm: random() < 0.8 ? 'RSA_2048' : 'EC_prime256v1',
          Issuer: 'Amazon',
          RenewalEligibility: 'ELIGIBLE',
          CreatedAt: new Date(issued).toISOString(),
          IssuedAt: new Date(issued).toISOString(),
          NotBefore: new Date(issued).toISOString(),
          NotAfter: new Date(issued + 395 * 86_400_000).toISOString(),
        };
      }),
    };
  },
});
