import { analyzeAllows } from '../../analysis/allows';
import { recordConnections, targetAddresses, type AwsEndpoint, type TargetLookup } from '../../analysis/domains';
import type { AnalysisOutput } from '../../analysis/mapped-entities';
import { instanceProfileEdges } from '../../analysis/instance-profiles';
import { FOREIGN_RESOURCE_SCHEMAS } from '../../analysis/mapped-entities';
import { personEntity, userPersonEdges, type PersonRecord } from '../../analysis/people';
import { ResourceIndex } from '../../analysis/resource-index';
import { AnalysisEntities } from '../../analysis/schema';
import { analyzeTrusts } from '../../analysis/trusts';
import type { Collector, CollectorContext, EntityDeclaration } from '../../collectors/types';
import {
  accountEntityKey,
  compactCopy,
  createEntity,
  mappedEntity,
  MappedEntities,
  RelationshipVerb,
  serviceEntityKey,
  type Entity,
  type EntitySchema,
  type GraphStore,
} from '../../graph';
import { AccountEntities } from '../../services/account/schema';
import { Ec2Entities } from '../../services/ec2/schema';
import { IamEntities } from '../../services/iam/schema';
import { CloudFrontEntities, CloudFrontOriginTargets, CloudFrontRelationships } from '../../services/cloudfront/schema';
import { Route53Entities, Route53Relationships, Route53TargetPlaceholders, Route53Targets } from '../../services/route53/schema';
import { S3Entities } from '../../services/s3/schema';
import type { ServiceModule } from '../../services/types';

export const MAPPINGS_SERVICE = 'mappings';
const ACCOUNT_TYPE = AccountEntities.ACCOUNT._type;
const ROLE_TYPE = IamEntities.ROLE._type;
const USER_TYPE = IamEntities.USER._type;
const INSTANCE_TYPE = Ec2Entities.INSTANCE._type;

export const MAPPING_COLLECTOR_IDS = {
  allows: 'mappings-allows',
  trusts: 'mappings-trusts',
  instanceProfiles: 'mappings-instance-profiles',
  people: 'mappings-people',
  dns: 'mappings-dns',
} as const;

/**
 * Adds a mapped entity unless the graph already holds that key: a real entity always wins (the
 * collector that ingests it may also replace a placeholder later), and among placeholders that
 * several accounts create (Everyone, a foreign account, a person) the one of the lowest account id
 * is kept, so the snapshot does not depend on the order in which accounts finish.
 */
export function addMappedEntity(context: CollectorContext, entity: Entity): void {
  const existing = context.graph.getEntity(entity._key);
  if (existing && (existing._source !== 'system-mapper' || (existing._accountId ?? '') <= context.account.accountId)) return;
  context.addEntity(compactCopy(entity));
}

/** Entities of the collector's account that were read from AWS (not placeholders). */
function ofAccount(context: CollectorContext, type: string): Entity[] {
  const { accountId } = context.account;
  return context.graph.entitiesOfTypeInAccount(type, accountId).filter((entity) => entity._accountId === accountId && entity._source !== 'system-mapper');
}

function declarationsOf(services: readonly ServiceModule[]): EntityDeclaration[] {
  const seen = new Map<string, EntityDeclaration>();
  for (const module of services)
    for (const collector of module.collectors) for (const entity of collector.entities) if (!seen.has(entity._type)) seen.set(entity._type, entity);
  return [...seen.values()];
}

/** A type's schema, described as the mapped entities of these collectors. */
function mapped(schema: EntitySchema, resourceName: string): EntityDeclaration {
  return { ...schema, resourceName };
}

export interface MappingOptions {
  /** People of the people file: `aws_iam_user IS Person`. */
  people?: readonly PersonRecord[];
}

/**
 * The mapping collectors over the given services. They call no AWS API: they read what the
 * services' collectors put in the graph, so they depend on all of them (a global collector that
 * depends on a regional one waits for it in every region of the account).
 */
export function createMappingCollectors(services: readonly ServiceModule[], options: MappingOptions = {}): Collector[] {
  const upstream = services.flatMap((module) => module.collectors);
  const dependsOn = ['account', ...upstream.map((collector) => collector.id)];
  const declared = declarationsOf(services);
  const policyTypes = declared.filter((entity) => entity._class.includes('AccessPolicy')).map((entity) => entity._type);
  const resourceTypes = declared.map((entity) => entity._type);
  const serviceIds = services.map((module) => module.service);
  const serviceTypes = serviceIds.map((service) => `aws_${service}`);
  const foreignTypes = FOREIGN_RESOURCE_SCHEMAS.map((entity) => entity._type);
  const accountDeclaration = mapped(AccountEntities.ACCOUNT, 'Account (mapped: not ingested, or not yet)');

  const allows: Collector = {
    id: MAPPING_COLLECTOR_IDS.allows,
    service: MAPPINGS_SERVICE,
    scope: 'global',
    entities: [accountDeclaration, ...FOREIGN_RESOURCE_SCHEMAS.map((entity) => mapped(entity, `${entity._type} in another account (mapped)`))],
    relationships: policyTypes.map((from) => ({
      from,
      verb: RelationshipVerb.ALLOWS,
      to: [...new Set([ACCOUNT_TYPE, ...serviceTypes, ...resourceTypes, ...foreignTypes])],
    })),
    permissions: [],
    dependsOn,
    readsWholeGraph: true,
    async run(context) {
      const { accountId } = context.account;
      const graph = context.graph;
      const serviceEntities = new Map<string, Entity>();
      for (const service of serviceIds) {
        const entity = graph.getEntity(serviceEntityKey(accountId, service));
        if (entity) serviceEntities.set(service, entity);
      }
      const output = await analyzeAllows({
        accountId,
        policies: policyTypes.flatMap((type) => ofAccount(context, type)),
        index: new ResourceIndex(resourceTypes.flatMap((type) => ofAccount(context, type))),
        account: graph.getEntity(accountEntityKey(accountId)) ?? { _key: accountEntityKey(accountId), _type: ACCOUNT_TYPE },
        serviceEntities,
        graph,
        ingestedAccounts: await context.ingestedAccounts(),
      });
      for (const entity of output.entities) addMappedEntity(context, entity);
      context.addRelationships(output.relationships);
      if (output.unreadable.length)
        context.logger.warn(`${MAPPING_COLLECTOR_IDS.allows} ${accountId}: unreadable policy documents: ${output.unreadable.join(', ')}`);
    },
  };

  const trusts: Collector = {
    id: MAPPING_COLLECTOR_IDS.trusts,
    service: MAPPINGS_SERVICE,
    scope: 'global',
    entities: [
      accountDeclaration,
      mapped(IamEntities.ROLE, 'IAM Role in another account (mapped)'),
      mapped(IamEntities.USER, 'IAM User in another account (mapped)'),
      mapped(IamEntities.SAML_PROVIDER, 'SAML Provider (mapped)'),
      mapped(AnalysisEntities.SERVICE_PRINCIPAL, 'AWS service principal (mapped)'),
      mapped(AnalysisEntities.WEB_IDENTITY_PROVIDER, 'Web identity provider (mapped)'),
      mapped(MappedEntities.EVERYONE, 'Everyone'),
    ],
    relationships: [
      {
        from: ROLE_TYPE,
        verb: RelationshipVerb.TRUSTS,
        to: [
          ROLE_TYPE,
          USER_TYPE,
          ACCOUNT_TYPE,
          ...serviceTypes,
          AnalysisEntities.SERVICE_PRINCIPAL._type,
          IamEntities.SAML_PROVIDER._type,
          AnalysisEntities.WEB_IDENTITY_PROVIDER._type,
          MappedEntities.EVERYONE._type,
        ],
      },
    ],
    permissions: [],
    dependsOn,
    readsWholeGraph: true,
    async run(context) {
      const { accountId } = context.account;
      const output = analyzeTrusts({
        accountId,
        roles: ofAccount(context, ROLE_TYPE),
        graph: context.graph,
        ingestedAccounts: await context.ingestedAccounts(),
      });
      for (const entity of output.entities) addMappedEntity(context, entity);
      context.addRelationships(output.relationships);
      if (output.unreadable.length)
        context.logger.warn(`${MAPPING_COLLECTOR_IDS.trusts} ${accountId}: unreadable trust policies: ${output.unreadable.join(', ')}`);
      if (output.unresolved.length)
        context.logger.debug(`${MAPPING_COLLECTOR_IDS.trusts} ${accountId}: principals without an entity: ${output.unresolved.join(', ')}`);
    },
  };

  const instanceProfiles: Collector = {
    id: MAPPING_COLLECTOR_IDS.instanceProfiles,
    service: MAPPINGS_SERVICE,
    scope: 'global',
    entities: [],
    relationships: [{ from: INSTANCE_TYPE, verb: RelationshipVerb.USES, to: ROLE_TYPE }],
    permissions: [],
    dependsOn,
    readsWholeGraph: true,
    async run(context) {
      context.addRelationships(instanceProfileEdges(ofAccount(context, INSTANCE_TYPE), ofAccount(context, ROLE_TYPE)));
    },
  };

  const people = options.people ?? [];
  const peopleCollector: Collector = {
    id: MAPPING_COLLECTOR_IDS.people,
    service: MAPPINGS_SERVICE,
    scope: 'global',
    entities: [mapped(AnalysisEntities.PERSON, 'Person (people file)')],
    relationships: [{ from: USER_TYPE, verb: RelationshipVerb.IS, to: AnalysisEntities.PERSON._type }],
    permissions: [],
    dependsOn,
    readsWholeGraph: true,
    async run(context) {
      if (!people.length) return;
      // Every account adds the whole list (the lowest account id keeps them): people without an
      // IAM user are part of the graph too.
      for (const person of people) addMappedEntity(context, personEntity(person));
      context.addRelationships(userPersonEdges(ofAccount(context, USER_TYPE), people));
    },
  };

  const dns: Collector = {
    id: MAPPING_COLLECTOR_IDS.dns,
    service: MAPPINGS_SERVICE,
    scope: 'global',
    entities: DNS_PLACEHOLDERS.map(({ schema }) => mapped(schema, `${schema._type} named by a DNS record, not ingested (mapped)`)),
    relationships: [Route53Relationships.RECORD_CONNECTS_TARGET, CloudFrontRelationships.DISTRIBUTION_CONNECTS_ORIGIN_TARGET],
    permissions: [],
    dependsOn,
    // Records point at hosts and gateways of every account (a shared DNS account names production's).
    readsWholeGraph: true,
    async run(context) {
      // Built by the first account's task: this collector runs once every other task of the run is done.
      const targets = await context.shared('targets', async () => dnsTargetIndexes(context.graph));
      for (const output of dnsConnections(
        context.graph,
        ofAccount(context, Route53Entities.RECORD._type),
        ofAccount(context, CloudFrontEntities.DISTRIBUTION._type),
        targets,
      )) {
        for (const entity of output.entities) addMappedEntity(context, entity);
        context.addRelationships(output.relationships);
      }
    },
  };

  return [allows, trusts, instanceProfiles, peopleCollector, dns];
}

/** S3's bucket key (its ARN: services/s3 `s3BucketArn`). */
function s3BucketKey(name: string): string {
  return `arn:aws:s3:::${name}`;
}

/**
 * The DNS edges of records and distributions over what the graph holds: a record CONNECTS the
 * ingested host or gateway its value names (a distribution, its origins), or a mapped stand-in.
 */
function dnsConnections(graph: GraphStore, records: readonly Entity[], distributions: readonly Entity[], targets: DnsTargetIndexes): AnalysisOutput[] {
  const bucketByName = (name: string) => graph.getEntity(s3BucketKey(name));
  const recordTargets = lookupIn(graph, targets.recordTargets);
  const originTargets = lookupIn(graph, targets.originTargets);
  const outputs: AnalysisOutput[] = [];
  if (records.length) outputs.push(recordConnections(records, recordTargets, { bucketByName, placeholder: dnsPlaceholder }));
  if (distributions.length)
    outputs.push(
      recordConnections(distributions, originTargets, {
        pointsTo: (distribution) => (Array.isArray(distribution.originDomainNames) ? (distribution.originDomainNames as string[]) : []),
        bucketByName,
        // A distribution in front of another is not an origin edge of the data model.
        placeholder: (endpoint) => (endpoint.service === 'cloudfront' ? undefined : dnsPlaceholder(endpoint)),
      }),
    );
  return outputs;
}

const RECORD_TARGET_TYPES = Object.values(Route53Targets).filter((type) => type !== Route53Targets.S3_BUCKET);
const ORIGIN_TARGET_TYPES = Object.values(CloudFrontOriginTargets).filter((type) => type !== CloudFrontOriginTargets.S3_BUCKET);

/** The DNS mapping's indexes of the graph's hosts and gateways, by address. */
interface DnsTargetIndexes {
  recordTargets: Map<string, string[]>;
  originTargets: Map<string, string[]>;
}

/**
 * Every account's DNS task looks records up among the whole organization's hosts and gateways (read
 * from AWS, not placeholders). Their index of addresses to keys is built once per run (the mapping
 * phase adds only placeholders) and only the targets a record names are read. Built per account it
 * cost O(accounts x targets), and a graph on disk held every target for the whole phase (94,841 at
 * 1,000,000 entities, issue 22).
 */
function dnsTargetIndexes(graph: GraphStore): DnsTargetIndexes {
  return { recordTargets: addressIndex(graph, RECORD_TARGET_TYPES), originTargets: addressIndex(graph, ORIGIN_TARGET_TYPES) };
}

/** A lookup of the targets an address names, read from the graph when asked. */
function lookupIn(graph: GraphStore, index: Map<string, string[]>): TargetLookup {
  return (address) => index.get(address)?.flatMap((key) => graph.getEntity(key) ?? []);
}

/** The keys of the ingested entities of these types by each address they answer to ({@link targetAddresses}). */
function addressIndex(graph: GraphStore, types: readonly string[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const type of types) {
    for (const entity of graph.scanEntitiesOfType(type)) {
      if (entity._source === 'system-mapper') continue;
      for (const address of targetAddresses(entity)) {
        const keys = index.get(address);
        if (keys) keys.push(entity._key);
        else index.set(address, [entity._key]);
      }
    }
  }
  return index;
}

/**
 * A narrowed run (`--accounts`, `--services`) draws its DNS edges before what it did not refresh
 * comes back from the previous snapshot, so a record may have got a stand-in for a host that an
 * account outside the run holds. Once the carried part is in the graph, the refreshed records' and
 * distributions' edges are drawn again over all of it, and stand-ins no edge uses any more are
 * dropped: the graph is the one a full run draws.
 */
export function redrawDnsConnections(graph: GraphStore, refreshed: (entity: Entity) => boolean): void {
  const isSource = (entity: Entity) => entity._source !== 'system-mapper' && refreshed(entity);
  const records = graph.entitiesOfType(Route53Entities.RECORD._type).filter(isSource);
  const distributions = graph.entitiesOfType(CloudFrontEntities.DISTRIBUTION._type).filter(isSource);
  if (!records.length && !distributions.length) return;
  const sources = new Set([...records, ...distributions].map((entity) => entity._key));
  const drawn = [...graph.allRelationships()].filter(
    (relationship) => relationship._class === RelationshipVerb.CONNECTS && sources.has(relationship._fromEntityKey),
  );
  graph.remove({ entities: [], relationships: drawn });
  for (const output of dnsConnections(graph, records, distributions, dnsTargetIndexes(graph))) {
    for (const entity of output.entities) if (!graph.hasEntity(entity._key)) graph.addEntity(compactCopy(entity));
    for (const relationship of output.relationships) {
      // The provenance the collector's context gives what it adds: its account, its (global) scope, its id.
      const account = graph.getEntity(relationship._fromEntityKey)?._accountId;
      graph.addRelationship(
        compactCopy({ ...relationship, ...(account ? { _accountId: account } : {}), _region: 'global', _collector: MAPPING_COLLECTOR_IDS.dns }),
      );
    }
  }
  const used = new Set<string>();
  for (const relationship of graph.allRelationships()) used.add(relationship._toEntityKey).add(relationship._fromEntityKey);
  const unused = graph
    .entitiesOfType(Route53TargetPlaceholders.CLOUDFRONT_DISTRIBUTION._type)
    .concat(graph.entitiesOfType(Route53TargetPlaceholders.REST_API._type))
    .filter((entity) => entity._source === 'system-mapper' && entity._key.startsWith('dns:') && !used.has(entity._key));
  graph.remove({ entities: unused, relationships: [] });
}

/**
 * Stand-ins for the AWS endpoints a record names when no ingested entity answers to them: another
 * organization's distribution, API or bucket, or a service not collected. Load balancers are
 * matched by `dnsName` only: their DNS name does not say whether they are Application or Classic.
 */
const DNS_PLACEHOLDERS: Array<{ service: AwsEndpoint['service']; schema: EntitySchema }> = [
  { service: 'cloudfront', schema: Route53TargetPlaceholders.CLOUDFRONT_DISTRIBUTION },
  { service: 'apigateway', schema: Route53TargetPlaceholders.REST_API },
  { service: 's3', schema: S3Entities.BUCKET },
];

function dnsPlaceholder(endpoint: AwsEndpoint): Entity | undefined {
  const schema = DNS_PLACEHOLDERS.find((placeholder) => placeholder.service === endpoint.service)?.schema;
  if (!schema) return undefined;
  if (endpoint.service === 's3') {
    if (!endpoint.bucket) return undefined;
    const key = s3BucketKey(endpoint.bucket);
    return mappedEntity(createEntity({ _key: key, schema, name: endpoint.bucket, properties: { arn: key, classification: null, encrypted: null } }));
  }
  return mappedEntity(
    createEntity({
      _key: `dns:${endpoint.hostname}`,
      schema,
      name: endpoint.hostname,
      // Nothing is known of the gateway's exposure but its DNS name.
      properties: { hostname: endpoint.hostname, category: ['network'], function: ['routing'], public: false },
    }),
  );
}
