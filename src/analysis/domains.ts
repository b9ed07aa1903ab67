import { createEntity, createRelationship, mappedEntity, RelationshipVerb, type Entity, type Relationship } from '../graph';
import type { AnalysisOutput } from './mapped-entities';
import { AnalysisEntities } from './schema';

/**
 * Hooks for the Route 53 mappings of the data model, `Domain HAS aws_route53_zone` and
 * `aws_route53_record CONNECTS <Host or Gateway>`. There is no Route 53 collector yet, so nothing
 * calls them; the Route 53 collectors (or a mappings collector that depends on them) will. They are
 * pure functions over entities, with the property names they read documented below.
 */

function stripDot(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** A mapped `Domain` (the data model requires `domainName`). */
export function domainEntity(domainName: string): Entity {
  const name = stripDot(domainName);
  return mappedEntity(createEntity({ _key: `domain:${name}`, schema: AnalysisEntities.DOMAIN, name, properties: { domainName: name } }));
}

/**
 * `Domain HAS aws_route53_zone` for public hosted zones: a zone's `domainName` (or `name`, with or
 * without the trailing dot) is the domain. Private zones (`privateZone: true`) name internal
 * namespaces, not domains, and are skipped.
 */
export function domainZoneMappings(zones: Iterable<Entity>): AnalysisOutput {
  const entities = new Map<string, Entity>();
  const relationships: Relationship[] = [];
  for (const zone of zones) {
    if (zone.privateZone === true) continue;
    const raw = typeof zone.domainName === 'string' ? zone.domainName : zone.name;
    if (!raw) continue;
    const domain = domainEntity(raw);
    entities.set(domain._key, domain);
    relationships.push(createRelationship({ from: domain, verb: RelationshipVerb.HAS, to: zone }));
  }
  return { entities: [...entities.values()], relationships };
}

function values(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * `aws_route53_record CONNECTS <target>`: a record's `value`/`values` (A, AAAA, CNAME) and
 * `aliasTarget` (alias records) matched against the targets' addresses and DNS names
 * (`publicIpAddress`, `ipAddress`, `publicIpAddresses`, `publicDnsName`, `dnsName`), case-insensitive.
 */
export function recordConnections(records: Iterable<Entity>, targets: Iterable<Entity>): Relationship[] {
  const byAddress = new Map<string, Entity[]>();
  for (const target of targets) {
    const addresses = ['publicIpAddress', 'ipAddress', 'publicIpAddresses', 'publicDnsName', 'dnsName'].flatMap((p) => values(target[p]));
    for (const address of new Set(addresses.map(stripDot))) {
      const list = byAddress.get(address);
      if (list) list.push(target);
      else byAddress.set(address, [target]);
    }
  }
  const relationships: Relationship[] = [];
  for (const record of records) {
    const pointsTo = new Set([...values(record.value), ...values(record.values), ...values(record.aliasTarget)].map(stripDot));
    const seen = new Set<string>();
    for (const address of pointsTo) {
      for (const target of byAddress.get(address) ?? []) {
        if (seen.has(target._key)) continue;
        seen.add(target._key);
        relationships.push(createRelationship({ from: record, verb: RelationshipVerb.CONNECTS, to: target }));
      }
    }
  }
  return relationships;
}
