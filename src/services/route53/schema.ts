import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { AnalysisEntities } from '../../analysis/schema';

/** Route 53's entity types: the one place they are spelled. */
export const Route53Entities = defineEntities({
  SERVICE: serviceEntitySchema('route53', 'Route 53'),
  DOMAIN: { _type: 'aws_route53_domain', _class: ['Domain'], resourceName: 'Route53 Domain' },
  ZONE: { _type: 'aws_route53_zone', _class: ['DomainZone'], resourceName: 'Hosted Zone' },
  RECORD: { _type: 'aws_route53_record', _class: ['DomainRecord'], resourceName: 'RecordSet' },
});

/**
 * Types a record's DNS name or alias can point at (`aws_route53_record CONNECTS <Host or Gateway>`).
 * The load balancer types are ELB's (services/elb, being added beside this service): named here as
 * strings until its schema is merged, with the classes its converter gives them.
 */
export const Route53Targets = {
  INSTANCE: 'aws_instance',
  EIP: 'aws_eip',
  CLOUDFRONT_DISTRIBUTION: 'aws_cloudfront_distribution',
  REST_API: 'aws_api_gateway_rest_api',
  V2_API: 'aws_api_gateway_v2_api',
  S3_BUCKET: 'aws_s3_bucket',
  // ELB's types (services/elb/schema.ts)
  ALB: 'aws_alb',
  NLB: 'aws_nlb',
  ELB: 'aws_elb',
} as const;

/**
 * Types of AWS endpoints a record names that the DNS mapping stands in for when no ingested entity
 * answers to the name (another organization's, or a service not collected), with the classes their
 * own services give them (the schema test checks it).
 */
export const Route53TargetPlaceholders = defineEntities({
  CLOUDFRONT_DISTRIBUTION: { _type: Route53Targets.CLOUDFRONT_DISTRIBUTION, _class: ['Gateway'], resourceName: 'CloudFront Distribution (mapped)' },
  REST_API: { _type: Route53Targets.REST_API, _class: ['Gateway'], resourceName: 'API Gateway REST API (mapped)' },
});

export const Route53Relationships = defineRelationships({
  SERVICE_HAS_DOMAIN: { from: Route53Entities.SERVICE._type, verb: RelationshipVerb.HAS, to: Route53Entities.DOMAIN._type },
  SERVICE_HAS_ZONE: { from: Route53Entities.SERVICE._type, verb: RelationshipVerb.HAS, to: Route53Entities.ZONE._type },
  /** A registered domain and the public hosted zone of the same name, in the same account. */
  DOMAIN_HAS_ZONE: { from: Route53Entities.DOMAIN._type, verb: RelationshipVerb.HAS, to: Route53Entities.ZONE._type },
  /** A public zone whose domain is not registered through Route 53 in the account: a mapped `Domain`. */
  MAPPED_DOMAIN_HAS_ZONE: { from: AnalysisEntities.DOMAIN._type, verb: RelationshipVerb.HAS, to: Route53Entities.ZONE._type },
  ZONE_HAS_RECORD: { from: Route53Entities.ZONE._type, verb: RelationshipVerb.HAS, to: Route53Entities.RECORD._type },
  RECORD_CONNECTS_TARGET: { from: Route53Entities.RECORD._type, verb: RelationshipVerb.CONNECTS, to: Object.values(Route53Targets) },
});

/** Key of a registered domain: domains have no ARN (Route 53 Domains has no resource-level permissions). */
export function route53DomainKey(accountId: string, domainName: string): string {
  return `aws:${accountId}:route53-domain:${normalizeDnsName(domainName)}`;
}

/** A zone's key: its ARN (`arn:aws:route53:::hostedzone/Z1D633PJN98FT9`), from the API's `/hostedzone/<id>` or the bare id. */
export function route53ZoneKey(zoneId: string): string {
  return `arn:aws:route53:::hostedzone/${zoneId.replace(/^\/hostedzone\//, '')}`;
}

/** A DNS name as Route 53 compares them: lower case, no trailing dot, `\052` as `*`. */
export function normalizeDnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\\052/g, '*').replace(/\.$/, '');
}
