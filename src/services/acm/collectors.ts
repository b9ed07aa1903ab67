import {
  ACMClient,
  DescribeCertificateCommand,
  KeyAlgorithm,
  ListTagsForCertificateCommand,
  paginateListCertificates,
  type CertificateSummary,
} from '@aws-sdk/client-acm';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { acmServiceHasCertificate, convertAcmCertificate } from './converters';
import { AcmEntities, AcmRelationships } from './schema';

const CERTIFICATE_TYPE = AcmEntities.CERTIFICATE._type;

/** ListCertificates returns only RSA 2048 certificates unless asked for the other key types. */
export const ALL_KEY_TYPES: KeyAlgorithm[] = Object.values(KeyAlgorithm);

export const acmCertificatesCollector: Collector = {
  id: 'acm-certificates',
  service: 'acm',
  scope: 'regional',
  entities: [AcmEntities.CERTIFICATE],
  relationships: [AcmRelationships.SERVICE_HAS_CERTIFICATE],
  permissions: ['acm:ListCertificates', 'acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
  optionalCalls: [
    {
      operation: 'acm:DescribeCertificate',
      properties: [
        {
          _type: CERTIFICATE_TYPE,
          properties: [
            'issuer',
            'serial',
            'signatureAlgorithm',
            'subjectAlternativeNames',
            'inUseBy',
            'renewalStatus',
            'validationMethod',
            'certificateTransparencyLoggingPreference',
            'revocationReason',
            'failureReason',
          ],
        },
      ],
      cost: 'certificates have no `issuer`, `inUseBy` or renewal status; the list still gives domain, status, expiry and `inUse`',
    },
    {
      operation: 'acm:ListTagsForCertificate',
      properties: [{ _type: CERTIFICATE_TYPE, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'certificates have no `tag.*` properties',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(ACMClient);
    const { accountId } = context.account;
    const summaries: CertificateSummary[] = [];
    for await (const page of paginateListCertificates({ client }, { Includes: { keyTypes: ALL_KEY_TYPES } })) {
      for (const summary of page.CertificateSummaryList ?? []) if (summary.CertificateArn) summaries.push(summary);
    }
    await mapConcurrent(summaries, 4, async (summary) => {
      const CertificateArn = summary.CertificateArn;
      const detail = await context.optional(
        'acm:DescribeCertificate',
        async () => (await client.send(new DescribeCertificateCommand({ CertificateArn }))).Certificate,
      );
      const tags = await context.optional(
        'acm:ListTagsForCertificate',
        async () => (await client.send(new ListTagsForCertificateCommand({ CertificateArn }))).Tags,
      );
      const certificate = context.addEntity(convertAcmCertificate({ summary, detail, tags, accountId, region: context.region }));
      context.addRelationship(acmServiceHasCertificate(accountId, certificate));
    });
  },
};
