import { analyzeAllows } from '../../analysis/allows';
import { instanceProfileEdges } from '../../analysis/instance-profiles';
import { FOREIGN_RESOURCE_SCHEMAS } from '../../analysis/mapped-entities';
import { personEntity, userPersonEdges, type PersonRecord } from '../../analysis/people';
import { ResourceIndex } from '../../analysis/resource-index';
import { AnalysisEntities } from '../../analysis/schema';
import { analyzeTrusts } from '../../analysis/trusts';
import type { Collector, CollectorContext, EntityDeclaration } from '../../collectors/types';
import { accountEntityKey, compactCopy, MappedEntities, RelationshipVerb, serviceEntityKey, type Entity, type EntitySchema } from '../../graph';
import { AccountEntities } from '../../services/account/schema';
import { Ec2Entities } from '../../services/ec2/schema';
import { IamEntities } from '../../services/iam/schema';
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

  return [allows, trusts, instanceProfiles, peopleCollector];
}
