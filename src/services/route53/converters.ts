import type { HostedZone, ResourceRecordSet, Tag } from '@aws-sdk/client-route-53';
import type { DomainSummary, GetDomainDetailCommandOutput, Tag as DomainTag } from '@aws-sdk/client-route-53-domains';
import { createEntity, createRelationship, RelationshipVerb, serviceEntityRef, type Entity, type Relationship } from '../../graph';
import { normalizeDnsName, route53DomainKey, route53ZoneKey, Route53Entities } from './schema';

/** GetDomainDetail's answer without the SDK's metadata. */
export type DomainDetail = Omit<GetDomainDetailCommandOutput, '$metadata'>;

/**
 * `aws_route53_domain` from ListDomains' summary, enriched by GetDomainDetail. Contact details
 * (names, addresses, phone numbers) are personal data and are not stored; only whether WHOIS
 * privacy hides them.
 */
export function convertRoute53Domain(accountId: string, summary: DomainSummary, detail?: DomainDetail, tags?: DomainTag[]): Entity {
  const domainName = normalizeDnsName(summary.DomainName ?? detail?.DomainName ?? '');
  const privacy = detail ? [detail.AdminPrivacy, detail.RegistrantPrivacy, detail.TechPrivacy] : undefined;
  return createEntity({
    _key: route53DomainKey(accountId, domainName),
    schema: Route53Entities.DOMAIN,
    name: domainName,
    tags,
    createdOn: detail?.CreationDate,
    properties: {
      accountId,
      domainName,
      autoRenew: summary.AutoRenew ?? detail?.AutoRenew,
      transferLock: summary.TransferLock,
      expiresOn: summary.Expiry ?? detail?.ExpirationDate,
      updatedOn: detail?.UpdatedDate,
      registrar: detail?.RegistrarName,
      registrarUrl: detail?.RegistrarUrl,
      whoIsServer: detail?.WhoIsServer,
      nameservers: detail?.Nameservers?.length ? detail.Nameservers.map((server) => normalizeDnsName(server.Name ?? '')).filter(Boolean) : undefined,
      // Every contact's details hidden from WHOIS.
      privacyProtected: privacy ? privacy.every((flag) => flag === true) : undefined,
      statusList: detail?.StatusList?.length ? [...detail.StatusList] : undefined,
      dnssecEnabled: detail ? (detail.DnssecKeys?.length ?? 0) > 0 : undefined,
      webLink: `https://console.aws.amazon.com/route53/home#DomainDetail:${domainName}`,
    },
  });
}

export interface Route53ZoneFacts {
  accountId: string;
  zone: HostedZone;
  tags?: Tag[];
}

/** `aws_route53_zone` from ListHostedZones' `HostedZone` and ListTagsForResources. */
export function convertRoute53Zone(facts: Route53ZoneFacts): Entity {
  const { zone, accountId } = facts;
  const id = (zone.Id ?? '').replace(/^\/hostedzone\//, '');
  const domainName = normalizeDnsName(zone.Name ?? '');
  const privateZone = zone.Config?.PrivateZone === true;
  return createEntity({
    _key: route53ZoneKey(id),
    schema: Route53Entities.ZONE,
    name: domainName,
    tags: facts.tags,
    properties: {
      id,
      arn: route53ZoneKey(id),
      accountId,
      domainName,
      privateZone,
      public: !privateZone,
      comment: zone.Config?.Comment || undefined,
      recordCount: zone.ResourceRecordSetCount,
      callerReference: zone.CallerReference,
      linkedService: zone.LinkedService?.ServicePrincipal,
      webLink: `https://console.aws.amazon.com/route53/v2/hostedzones#ListRecordSets/${id}`,
    },
  });
}

/** A record's key: its zone, name, type and (for weighted, latency... routing) set identifier. */
export function route53RecordKey(zoneKey: string, record: ResourceRecordSet): string {
  const identifier = record.SetIdentifier ? `|${record.SetIdentifier}` : '';
  return `${zoneKey}|${normalizeDnsName(record.Name ?? '')}|${record.Type ?? ''}${identifier}`;
}

/**
 * `aws_route53_record` from a ListResourceRecordSets `ResourceRecordSet`. `value`/`values` (the
 * records' values) and `aliasTarget` (the alias's DNS name, without `dualstack.`) are what the DNS
 * mapping matches against hosts and gateways.
 */
export function convertRoute53Record(zone: Entity, record: ResourceRecordSet): Entity {
  const name = normalizeDnsName(record.Name ?? '');
  const values = (record.ResourceRecords ?? []).map((resource) => resource.Value ?? '').filter(Boolean);
  const alias = record.AliasTarget?.DNSName ? normalizeDnsName(record.AliasTarget.DNSName).replace(/^dualstack\./, '') : undefined;
  return createEntity({
    _key: route53RecordKey(zone._key, record),
    schema: Route53Entities.RECORD,
    name,
    displayName: `${name} ${record.Type ?? ''}`.trim(),
    properties: {
      accountId: zone.accountId as string,
      zoneId: zone.id as string,
      domainName: name,
      type: record.Type,
      // Alias records have no TTL of their own (Route 53 answers with the target's); the data model
      // requires a number, so they carry 0 and `alias: true`.
      TTL: record.TTL ?? 0,
      alias: record.AliasTarget !== undefined,
      value: values.length === 1 ? values[0] : undefined,
      values: values.length ? values : undefined,
      aliasTarget: alias,
      aliasHostedZoneId: record.AliasTarget?.HostedZoneId,
      evaluateTargetHealth: record.AliasTarget?.EvaluateTargetHealth,
      setIdentifier: record.SetIdentifier,
      weight: record.Weight,
      routingRegion: record.Region,
      failover: record.Failover,
      multiValueAnswer: record.MultiValueAnswer,
      healthCheckId: record.HealthCheckId,
      privateZone: zone.privateZone as boolean,
    },
  });
}

export function route53ServiceHas(accountId: string, to: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'route53'), verb: RelationshipVerb.HAS, to });
}

export function route53Has(from: Entity | { _key: string; _type: string }, to: Entity): Relationship {
  return createRelationship({ from, verb: RelationshipVerb.HAS, to });
}
