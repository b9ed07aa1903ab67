import { silentLogger } from '../../src/collectors/runner';
import type { Collector, CollectorContext } from '../../src/collectors/types';
import { createEntity, GraphStore, type Entity, type Relationship } from '../../src/graph';
import { awsServices } from '../../src/services';
import { convertAccount } from '../../src/services/account/converters';
import { createMappingCollectors, MAPPING_COLLECTOR_IDS, type MappingOptions } from '../../src/analysis/mappings';
import { serviceEntitySchema } from '../../src/graph/schema';
import { accountEntityKey, createServiceEntity } from '../../src/graph/service-entities';

export const ACCOUNT = '111111111111';

/** Adds an entity as the runner would (stamped with its account). */
export function put(graph: GraphStore, entity: Entity, accountId = ACCOUNT): Entity {
  entity._accountId = accountId;
  entity._region = 'global';
  entity._collector = 'test';
  graph.addEntity(entity);
  return entity;
}

/** An account with its `aws_account` and the service entities of iam, ec2, s3 and kms. */
export function accountGraph(graph = new GraphStore(), accountId = ACCOUNT): GraphStore {
  put(graph, convertAccount({ accountId, name: `account-${accountId}` }), accountId);
  for (const service of ['iam', 'ec2', 's3', 'kms'])
    put(graph, createServiceEntity(accountId, serviceEntitySchema(service, service.toUpperCase()), service.toUpperCase(), ['other']), accountId);
  return graph;
}

export function bucket(name: string, accountId = ACCOUNT): Entity {
  const arn = `arn:aws:s3:::${name}`;
  return createEntity({
    _key: arn,
    _type: 'aws_s3_bucket',
    _class: ['DataStore'],
    name,
    properties: { arn, bucketName: name, accountId, classification: null, encrypted: true },
  });
}

export function role(name: string, trust: unknown, accountId = ACCOUNT, extra: Record<string, string[] | string> = {}): Entity {
  const arn = `arn:aws:iam::${accountId}:role/${name}`;
  return createEntity({
    _key: arn,
    _type: 'aws_iam_role',
    _class: ['AccessRole'],
    name,
    properties: { arn, roleName: name, accountId, assumeRolePolicyDocument: JSON.stringify(trust), ...extra },
  });
}

export function user(name: string, options: { tags?: Record<string, string>; accountId?: string } = {}): Entity {
  const accountId = options.accountId ?? ACCOUNT;
  const arn = `arn:aws:iam::${accountId}:user/${name}`;
  const entity = createEntity({
    _key: arn,
    _type: 'aws_iam_user',
    _class: ['User'],
    name,
    tags: options.tags,
    properties: { arn, accountId, username: [name], shortLoginId: [name.split('@')[0]], firstName: null, lastName: null },
  });
  // As the IAM collector does: `email` as the data model's array (or null), lower case.
  const email = Object.entries(options.tags ?? {}).find(([key]) => key.toLowerCase() === 'email')?.[1];
  entity.email = email ? [email.toLowerCase()] : null;
  return entity;
}

export function managedPolicy(name: string, document: unknown, accountId = ACCOUNT): Entity {
  const arn = `arn:aws:iam::${accountId}:policy/${name}`;
  return createEntity({
    _key: arn,
    _type: 'aws_iam_policy',
    _class: ['AccessPolicy'],
    name,
    properties: { arn, policyName: name, accountId, document: JSON.stringify(document) },
  });
}

export function bucketPolicy(bucketName: string, document: unknown, accountId = ACCOUNT): Entity {
  return createEntity({
    _key: `arn:aws:s3:::${bucketName}|policy`,
    _type: 'aws_s3_bucket_policy',
    _class: ['AccessPolicy'],
    name: `${bucketName}-policy`,
    properties: { bucketName, bucketArn: `arn:aws:s3:::${bucketName}`, accountId, document: JSON.stringify(document) },
  });
}

export function instance(id: string, profileArn: string | undefined, accountId = ACCOUNT): Entity {
  const arn = `arn:aws:ec2:us-east-1:${accountId}:instance/${id}`;
  return createEntity({
    _key: arn,
    _type: 'aws_instance',
    _class: ['Host'],
    name: id,
    properties: { arn, instanceId: id, iamInstanceProfileArn: profileArn },
  });
}

/** A collector context over a graph, as the runner gives it (no AWS clients). */
export function contextFor(graph: GraphStore, accountId = ACCOUNT, accounts: string[] = [accountId], collector = 'mappings'): CollectorContext {
  const stamp = <T extends Entity | Relationship>(object: T): T => {
    object._accountId = accountId;
    object._region = 'global';
    object._collector = collector;
    return object;
  };
  const context: CollectorContext = {
    account: { accountId },
    region: 'us-east-1',
    scope: { accountId, region: 'global', collector },
    ingestedAccounts: async () => new Set(accounts),
    graph,
    logger: silentLogger,
    client: () => {
      throw new Error('mapping collectors call no AWS API');
    },
    addEntity: (entity) => {
      graph.addEntity(stamp(entity));
      return entity;
    },
    addEntities: (entities) => {
      for (const entity of entities) context.addEntity(entity);
    },
    addRelationship: (relationship) => {
      graph.addRelationship(stamp(relationship));
      return relationship;
    },
    addRelationships: (relationships) => {
      for (const relationship of relationships) context.addRelationship(relationship);
    },
    recordError: (operation, error) => {
      throw new Error(`${operation}: ${String(error)}`);
    },
    optional: () => {
      throw new Error('mapping collectors make no optional call');
    },
    shared: (_key, compute) => compute(),
  };
  return context;
}

export function mappingCollector(id: (typeof MAPPING_COLLECTOR_IDS)[keyof typeof MAPPING_COLLECTOR_IDS], options: MappingOptions = {}): Collector {
  const collector = createMappingCollectors(awsServices, options).find((c) => c.id === id);
  if (!collector) throw new Error(`no collector ${id}`);
  return collector;
}

/** Runs one mapping collector for an account of the graph. */
export async function runMapping(
  graph: GraphStore,
  id: (typeof MAPPING_COLLECTOR_IDS)[keyof typeof MAPPING_COLLECTOR_IDS],
  options: { accountId?: string; accounts?: string[] } & MappingOptions = {},
): Promise<void> {
  const accountId = options.accountId ?? ACCOUNT;
  await mappingCollector(id, options).run(contextFor(graph, accountId, options.accounts ?? [accountId], id));
}

/** Relationships of a verb from an entity, by target key (several per target are listed in key order). */
export function edgesFrom(graph: GraphStore, fromKey: string, verb: string): Relationship[] {
  return [...graph.allRelationships()].filter((r) => r._fromEntityKey === fromKey && r._class === verb).sort((a, b) => a._key.localeCompare(b._key));
}

export function edgeTo(graph: GraphStore, fromKey: string, verb: string, toKey: string): Relationship | undefined {
  return edgesFrom(graph, fromKey, verb).find((r) => r._toEntityKey === toKey);
}

export const accountKey = accountEntityKey;
export { MAPPING_COLLECTOR_IDS };
