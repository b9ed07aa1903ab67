import type { CacheBehavior, DefaultCacheBehavior, DistributionConfig, DistributionSummary, Origin, Tag } from '@aws-sdk/client-cloudfront';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { cloudFrontDistributionArn, CloudFrontEntities } from './schema';

/** The cache behaviours of a distribution: the default one first. */
function behaviours(summary: Pick<DistributionSummary, 'DefaultCacheBehavior' | 'CacheBehaviors'>): Array<DefaultCacheBehavior | CacheBehavior> {
  return [...(summary.DefaultCacheBehavior ? [summary.DefaultCacheBehavior] : []), ...(summary.CacheBehaviors?.Items ?? [])];
}

const sortedUnique = (values: Array<string | undefined>): string[] | undefined => {
  const kept = [...new Set(values.filter((value): value is string => Boolean(value)))].sort();
  return kept.length ? kept : undefined;
};

/**
 * `aws_cloudfront_distribution` from ListDistributions' `DistributionSummary`, its tags and
 * (GetDistributionConfig, optional) the logging and default root object the summary lacks.
 * `originDomainNames` is what the DNS mapping matches against buckets, APIs and load balancers.
 */
export function convertCloudFrontDistribution(accountId: string, summary: DistributionSummary, config?: DistributionConfig, tags?: Tag[]): Entity {
  const id = summary.Id ?? '';
  const arn = summary.ARN ?? cloudFrontDistributionArn(accountId, id);
  const certificate = summary.ViewerCertificate;
  const viewerPolicies = behaviours(summary).map((behaviour) => behaviour.ViewerProtocolPolicy);
  const origins = summary.Origins?.Items ?? [];
  return createEntity({
    _key: arn,
    schema: CloudFrontEntities.DISTRIBUTION,
    name: summary.Comment || summary.DomainName || id,
    tags,
    properties: {
      id,
      arn,
      accountId,
      domainName: summary.DomainName,
      aliases: summary.Aliases?.Items?.length ? [...summary.Aliases.Items] : undefined,
      status: summary.Status,
      enabled: summary.Enabled,
      active: summary.Enabled,
      // A distribution answers on the Internet (CloudFront has no private distributions).
      public: true,
      category: ['network'],
      function: ['content-distribution'],
      comment: summary.Comment || undefined,
      priceClass: summary.PriceClass,
      httpVersion: summary.HttpVersion,
      isIPV6Enabled: summary.IsIPV6Enabled,
      staging: summary.Staging,
      webACLId: summary.WebACLId || undefined,
      wafEnabled: Boolean(summary.WebACLId),
      geoRestrictionType: summary.Restrictions?.GeoRestriction?.RestrictionType,
      defaultCertificate: certificate?.CloudFrontDefaultCertificate === true,
      acmCertificateArn: certificate?.ACMCertificateArn,
      iamCertificateId: certificate?.IAMCertificateId,
      minimumProtocolVersion: certificate?.MinimumProtocolVersion,
      sslSupportMethod: certificate?.SSLSupportMethod,
      viewerProtocolPolicies: sortedUnique(viewerPolicies),
      // Every behaviour redirects HTTP to HTTPS or refuses it.
      httpsOnly: viewerPolicies.length > 0 && viewerPolicies.every((policy) => policy === 'redirect-to-https' || policy === 'https-only'),
      originDomainNames: sortedUnique(origins.map((origin) => origin.DomainName?.toLowerCase())),
      s3OriginCount: origins.filter((origin) => origin.S3OriginConfig).length,
      customOriginCount: origins.filter((origin) => origin.CustomOriginConfig).length,
      lambdaFunctionArns: sortedUnique(behaviours(summary).flatMap((b) => b.LambdaFunctionAssociations?.Items?.map((a) => a.LambdaFunctionARN) ?? [])),
      loggingEnabled: config?.Logging ? config.Logging.Enabled === true : undefined,
      loggingBucket: config?.Logging?.Enabled ? config.Logging.Bucket : undefined,
      defaultRootObject: config ? config.DefaultRootObject || undefined : undefined,
      updatedOn: summary.LastModifiedTime,
      webLink: `https://console.aws.amazon.com/cloudfront/v4/home#/distributions/${id}`,
    },
  });
}

/** `aws_cloudfront_distribution_origin`: one origin of a distribution, by its origin id. */
export function convertCloudFrontOrigin(distribution: Entity, origin: Origin): Entity {
  const custom = origin.CustomOriginConfig;
  const originId = origin.Id ?? '';
  return createEntity({
    _key: `${distribution._key}|origin|${originId}`,
    schema: CloudFrontEntities.ORIGIN,
    name: originId,
    properties: {
      accountId: distribution.accountId as string,
      distributionId: distribution.id as string,
      originId,
      domainName: origin.DomainName?.toLowerCase(),
      originPath: origin.OriginPath || undefined,
      s3Origin: origin.S3OriginConfig !== undefined,
      // A bucket origin read through an origin access identity or control, not the public bucket.
      originAccessIdentity: origin.S3OriginConfig?.OriginAccessIdentity || undefined,
      originAccessControlId: origin.OriginAccessControlId || undefined,
      vpcOriginId: origin.VpcOriginConfig?.VpcOriginId,
      originProtocolPolicy: custom?.OriginProtocolPolicy,
      originSslProtocols: custom?.OriginSslProtocols?.Items?.length ? [...custom.OriginSslProtocols.Items] : undefined,
      httpPort: custom?.HTTPPort,
      httpsPort: custom?.HTTPSPort,
      originShieldEnabled: origin.OriginShield?.Enabled,
      // Custom headers often carry shared secrets for the origin: only their names.
      customHeaderNames: sortedUnique(origin.CustomHeaders?.Items?.map((header) => header.HeaderName) ?? []),
    },
  });
}

/** A Lambda@Edge association names a function version (`...:function:name:3`): the function's key. */
export function edgeFunctionArn(versionArn: string): string {
  return versionArn.replace(/^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):.*$/, '$1');
}

export function cloudFrontServiceHasDistribution(accountId: string, distribution: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'cloudfront'), verb: RelationshipVerb.HAS, to: distribution });
}

export function cloudFrontEdge(from: { _key: string; _type: string }, verb: RelationshipVerb, to: { _key: string; _type: string }): Relationship {
  return createRelationship({ from, verb, to });
}
