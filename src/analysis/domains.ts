import { createEntity, createRelationship, mappedEntity, RelationshipVerb, type Entity, type Relationship } from '../graph';
import type { AnalysisOutput } from './mapped-entities';
import { AnalysisEntities } from './schema';

/**
 * The Route 53 mappings of the data model, `Domain HAS aws_route53_zone` (called by the
 * `route53-zones` collector) and `aws_route53_record CONNECTS <Host or Gateway>` (the
 * `mappings-dns` collector, once every service's hosts and gateways are in the graph). They are
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

/** Properties of hosts and gateways that a DNS record can name: addresses and DNS names. */
const TARGET_ADDRESS_PROPERTIES = ['publicIpAddress', 'ipAddress', 'publicIpAddresses', 'publicIp', 'publicDnsName', 'dnsName', 'domainName', 'hostname'];

/** What a record's DNS name points at when it names an AWS endpoint that was not found in the graph. */
export interface AwsEndpoint {
  /** The endpoint's DNS name, as the record gives it (lower case, no trailing dot, no `dualstack.`). */
  hostname: string;
  service: 'cloudfront' | 'elasticloadbalancing' | 'apigateway' | 's3';
  /** The S3 bucket a website or REST endpoint serves. */
  bucket?: string;
}

/**
 * The AWS endpoint a DNS name belongs to (CloudFront, Elastic Load Balancing, API Gateway, S3), by
 * the endpoint naming each service documents; undefined for any other name.
 */
export function awsEndpointOf(hostname: string, recordName?: string): AwsEndpoint | undefined {
  const host = stripDot(hostname).replace(/^dualstack\./, '');
  if (host.endsWith('.cloudfront.net')) return { hostname: host, service: 'cloudfront' };
  if (/\.elb\.([a-z0-9-]+\.)?amazonaws\.com$/.test(host)) return { hostname: host, service: 'elasticloadbalancing' };
  if (/\.execute-api\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) return { hostname: host, service: 'apigateway' };
  // Website endpoints of an alias (`s3-website-us-east-1.amazonaws.com`) serve the bucket named like the record.
  const website = /^s3-website[.-][a-z0-9-]+\.amazonaws\.com$/.test(host);
  if (website && recordName) return { hostname: host, service: 's3', bucket: stripDot(recordName) };
  const bucketHost = /^(.+)\.s3(?:[.-]website)?(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(host);
  if (bucketHost) return { hostname: host, service: 's3', bucket: bucketHost[1] };
  return undefined;
}

/** The addresses a target answers to, normalized: what `recordConnections` indexes. */
export function targetAddresses(target: Entity): string[] {
  return [...new Set(TARGET_ADDRESS_PROPERTIES.flatMap((p) => values(target[p])).map(stripDot))];
}

/** The targets that answer to an address ({@link targetAddresses}), in the order they were indexed. */
export type TargetLookup = (address: string) => readonly Entity[] | undefined;

/** A {@link TargetLookup} over these targets. */
export function targetLookup(targets: Iterable<Entity>): TargetLookup {
  const byAddress = new Map<string, Entity[]>();
  for (const target of targets) {
    for (const address of targetAddresses(target)) {
      const list = byAddress.get(address);
      if (list) list.push(target);
      else byAddress.set(address, [target]);
    }
  }
  return (address) => byAddress.get(address);
}

/** The names a record points at: its values (A, AAAA, CNAME) and its alias target. */
export function recordPointsTo(record: Entity): string[] {
  return [
    ...new Set([...values(record.value), ...values(record.values), ...values(record.aliasTarget)].map((name) => stripDot(name).replace(/^dualstack\./, ''))),
  ];
}

export interface RecordConnectionOptions {
  /** The names an entity points at (default: a record's values and alias target). */
  pointsTo?: (entity: Entity) => string[];
  /** S3 buckets by name, for records that name a bucket's endpoint. */
  bucketByName?: (name: string) => Entity | undefined;
  /** A stand-in for an AWS endpoint that no target answers to (not collected, or outside the organization). */
  placeholder?: (endpoint: AwsEndpoint) => Entity | undefined;
}

/**
 * `aws_route53_record CONNECTS <target>`: a record's `value`/`values` (A, AAAA, CNAME) and
 * `aliasTarget` (alias records) matched against the targets' addresses and DNS names
 * (`publicIpAddress`, `ipAddress`, `publicIpAddresses`, `publicIp`, `publicDnsName`, `dnsName`,
 * `domainName`, `hostname`), case-insensitive. A name of an S3 endpoint reaches the bucket it
 * serves; an AWS endpoint nothing answers to reaches `options.placeholder`'s stand-in, returned in
 * `entities`. `targets` may be a lookup built once for many calls ({@link targetLookup}).
 */
export function recordConnections(records: Iterable<Entity>, targets: Iterable<Entity> | TargetLookup, options: RecordConnectionOptions = {}): AnalysisOutput {
  const targetsAt = typeof targets === 'function' ? targets : targetLookup(targets);
  const relationships: Relationship[] = [];
  const placeholders = new Map<string, Entity>();
  for (const record of records) {
    const seen = new Set<string>();
    const connect = (target: Entity) => {
      if (seen.has(target._key)) return;
      seen.add(target._key);
      relationships.push(createRelationship({ from: record, verb: RelationshipVerb.CONNECTS, to: target }));
    };
    for (const address of (options.pointsTo ?? recordPointsTo)(record)) {
      const found = targetsAt(address);
      if (found) {
        found.forEach(connect);
        continue;
      }
      const endpoint = awsEndpointOf(address, typeof record.domainName === 'string' ? record.domainName : record.name);
      if (!endpoint) continue;
      const bucket = endpoint.bucket ? options.bucketByName?.(endpoint.bucket) : undefined;
      if (bucket) {
        connect(bucket);
        continue;
      }
      const stand = options.placeholder?.(endpoint);
      if (!stand) continue;
      const kept = placeholders.get(stand._key) ?? stand;
      placeholders.set(kept._key, kept);
      connect(kept);
    }
  }
  return { entities: [...placeholders.values()], relationships };
}
