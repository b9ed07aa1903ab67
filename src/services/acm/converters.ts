import type { CertificateDetail, CertificateSummary, Tag } from '@aws-sdk/client-acm';
import { createEntity, createRelationship, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { AcmEntities, AcmRelationships } from './schema';

export interface AcmCertificateFacts {
  /** From ListCertificates: always there. */
  summary: CertificateSummary;
  /** From DescribeCertificate: issuer, users, validation and renewal; absent when the call failed. */
  detail?: CertificateDetail;
  tags?: Tag[];
  accountId: string;
  region: string;
}

/** `aws_acm_certificate` from the ListCertificates summary, enriched by DescribeCertificate and the tags. */
export function convertAcmCertificate(facts: AcmCertificateFacts): Entity {
  const { summary, detail } = facts;
  const arn = summary.CertificateArn ?? detail?.CertificateArn ?? '';
  const certificateId = arn.split('/').pop() ?? arn;
  const domainName = summary.DomainName ?? detail?.DomainName;
  const status = summary.Status ?? detail?.Status;
  const notAfter = summary.NotAfter ?? detail?.NotAfter;
  const inUseBy = detail?.InUseBy;
  return createEntity({
    _key: arn,
    schema: AcmEntities.CERTIFICATE,
    name: domainName ?? certificateId,
    tags: facts.tags,
    createdOn: summary.CreatedAt ?? detail?.CreatedAt ?? summary.ImportedAt ?? detail?.ImportedAt,
    properties: {
      id: certificateId,
      arn,
      accountId: facts.accountId,
      region: facts.region,
      domainName,
      subjectAlternativeNames: detail?.SubjectAlternativeNames ? [...detail.SubjectAlternativeNames] : undefined,
      status,
      // ISSUED and not expired: what a listener or distribution can serve.
      active: status === 'ISSUED',
      type: summary.Type ?? detail?.Type,
      keyAlgorithm: summary.KeyAlgorithm ?? detail?.KeyAlgorithm,
      signatureAlgorithm: detail?.SignatureAlgorithm,
      issuer: detail?.Issuer,
      serial: detail?.Serial,
      inUse: summary.InUse ?? (inUseBy ? inUseBy.length > 0 : undefined),
      inUseBy: inUseBy?.length ? [...inUseBy].sort() : undefined,
      exported: summary.Exported,
      managedBy: summary.ManagedBy ?? detail?.ManagedBy,
      renewalEligibility: summary.RenewalEligibility ?? detail?.RenewalEligibility,
      renewalStatus: detail?.RenewalSummary?.RenewalStatus,
      validationMethod: detail?.DomainValidationOptions?.[0]?.ValidationMethod,
      certificateTransparencyLoggingPreference: detail?.Options?.CertificateTransparencyLoggingPreference,
      issuedOn: summary.IssuedAt ?? detail?.IssuedAt,
      importedOn: summary.ImportedAt ?? detail?.ImportedAt,
      notBefore: summary.NotBefore ?? detail?.NotBefore,
      expiresOn: notAfter,
      revokedOn: summary.RevokedAt ?? detail?.RevokedAt,
      revocationReason: detail?.RevocationReason,
      failureReason: detail?.FailureReason,
      webLink: `https://console.aws.amazon.com/acm/home?region=${facts.region}#/certificates/${certificateId}`,
    },
  });
}

export function acmServiceHasCertificate(accountId: string, certificate: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'acm'), verb: AcmRelationships.SERVICE_HAS_CERTIFICATE.verb, to: certificate });
}
