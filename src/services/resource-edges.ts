import { parseArn } from '../analysis/arn';
import { mappedAccount, mappedResource } from '../analysis/mapped-entities';
import { createRelationship, everyoneEntity, RelationshipVerb, type Entity, type RawValue, type Relationship } from '../graph';
import { securityGroupKey, subnetKey, vpcKey } from './ec2/schema';
import { kmsKeyKey } from './kms/schema';
import { accountEntityKey } from '../graph';

/**
 * Edges that many services' resources share with EC2, KMS and other accounts: the security groups
 * that protect a resource, its VPC and subnets, the KMS key that encrypts it, and the accounts a
 * snapshot is shared with. Targets are named by the keys their own converters compute, so an edge
 * holds whichever collector (or account) produces the target; a target in an account this run does
 * not ingest becomes a mapped placeholder.
 */

export interface ResourceScope {
  accountId: string;
  region: string;
}

/** What a resource's edges need besides the relationships: mapped targets to add if absent. */
export interface EdgeResult {
  relationships: Relationship[];
  mappedEntities: Entity[];
}

const SECURITY_GROUP_TYPE = 'aws_security_group';
const VPC_TYPE = 'aws_vpc';
const SUBNET_TYPE = 'aws_subnet';
const KMS_KEY_TYPE = 'aws_kms_key';

/** `resource HAS aws_security_group` and `aws_security_group PROTECTS resource`, for each group. */
export function securityGroupEdges(resource: Entity, groupIds: readonly (string | undefined)[], scope: ResourceScope): Relationship[] {
  const relationships: Relationship[] = [];
  for (const groupId of new Set(groupIds.filter((id): id is string => Boolean(id)))) {
    const group = { _type: SECURITY_GROUP_TYPE, _key: securityGroupKey(scope.region, scope.accountId, groupId) };
    relationships.push(createRelationship({ from: resource, verb: RelationshipVerb.HAS, to: group }));
    relationships.push(createRelationship({ from: group, verb: RelationshipVerb.PROTECTS, to: resource }));
  }
  return relationships;
}

export function vpcHasResource(vpcId: string | undefined, resource: Entity, scope: ResourceScope): Relationship | undefined {
  if (!vpcId) return undefined;
  return createRelationship({ from: { _type: VPC_TYPE, _key: vpcKey(scope.region, scope.accountId, vpcId) }, verb: RelationshipVerb.HAS, to: resource });
}

export function subnetHasResource(subnetId: string, resource: Entity, scope: ResourceScope): Relationship {
  return createRelationship({
    from: { _type: SUBNET_TYPE, _key: subnetKey(scope.region, scope.accountId, subnetId) },
    verb: RelationshipVerb.HAS,
    to: resource,
  });
}

/**
 * `resource USES aws_kms_key` for a key named by ARN or id. A key in an account that this run does
 * not ingest becomes a mapped `aws_kms_key`; aliases are not resolved (the services here report ARNs).
 */
export function kmsKeyEdge(resource: Entity, keyReference: string | undefined, scope: ResourceScope, ingestedAccounts: ReadonlySet<string>): EdgeResult {
  const keyArn = kmsKeyKey(keyReference, scope.accountId, scope.region);
  if (!keyArn) return { relationships: [], mappedEntities: [] };
  const owner = parseArn(keyArn)?.account ?? scope.accountId;
  const mappedEntities = owner === scope.accountId || ingestedAccounts.has(owner) ? [] : [mappedResource(keyArn, false)];
  return { relationships: [createRelationship({ from: resource, verb: RelationshipVerb.USES, to: { _type: KMS_KEY_TYPE, _key: keyArn } })], mappedEntities };
}

/**
 * `snapshot ALLOWS aws_account` for each account a snapshot is shared with, and `ALLOWS everyone`
 * when it is public (`all`), with the action the grant permits. Accounts outside this run become
 * mapped `aws_account` entities.
 */
export function sharingEdges(
  snapshot: Entity,
  sharedWith: readonly string[],
  ingestedAccounts: ReadonlySet<string>,
  properties: Record<string, RawValue>,
): EdgeResult {
  const relationships: Relationship[] = [];
  const mappedEntities: Entity[] = [];
  for (const grantee of [...new Set(sharedWith)].sort()) {
    if (grantee === 'all') {
      const everyone = everyoneEntity();
      mappedEntities.push(everyone);
      relationships.push(createRelationship({ from: snapshot, verb: RelationshipVerb.ALLOWS, to: everyone, properties: { ...properties, public: true } }));
      continue;
    }
    if (!/^\d{12}$/.test(grantee)) continue;
    if (!ingestedAccounts.has(grantee)) mappedEntities.push(mappedAccount(grantee, false));
    relationships.push(
      createRelationship({
        from: snapshot,
        verb: RelationshipVerb.ALLOWS,
        to: { _type: 'aws_account', _key: accountEntityKey(grantee) },
        properties: { ...properties, public: false, crossAccount: true },
      }),
    );
  }
  return { relationships, mappedEntities };
}

/**
 * The device properties JupiterOne's Host class requires, for managed database hosts whose
 * operating system and hardware AWS does not expose (null: unknown).
 */
export function managedHostProperties(facts: { model?: string; fqdn?: string }): Record<string, RawValue> {
  const fqdn = facts.fqdn && /^(?=.{4,253}$)((?!-)[a-zA-Z0-9-]{0,62}[a-zA-Z0-9]\.)+[a-zA-Z]{2,63}$/.test(facts.fqdn) ? [facts.fqdn] : null;
  return {
    category: 'database',
    hostname: null,
    fqdn,
    ipv4Addresses: null,
    ipv6Addresses: null,
    macAddresses: null,
    publicIpAddresses: null,
    privateIpAddresses: null,
    serial: null,
    deviceId: null,
    lastSeenOn: null,
    make: null,
    model: facts.model ?? null,
    osName: null,
    osType: null,
    osDetails: null,
    osVersion: null,
  };
}

/** Adds mapped targets that are not in the graph yet (another account's entity wins when present). */
export function addMappedEntities(graph: { hasEntity(key: string): boolean; addEntity(entity: Entity): unknown }, entities: Iterable<Entity>): void {
  for (const entity of entities) if (!graph.hasEntity(entity._key)) graph.addEntity(entity);
}
