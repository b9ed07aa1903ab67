import type { CacheCluster, CacheNode, ReplicationGroup, Tag } from '@aws-sdk/client-elasticache';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { managedHostProperties, type ResourceScope } from '../resource-edges';
import { serviceEntityRef } from '../../graph';
import { ElastiCacheEntities } from './schema';

const listOrUndefined = <T>(values: T[]): T[] | undefined => (values.length ? values : undefined);
const defined = <T>(values: readonly (T | undefined | null)[]): T[] => values.filter((v): v is T => v !== undefined && v !== null);

export function elastiCacheArn(scope: ResourceScope, kind: 'cluster' | 'replicationgroup', id: string): string {
  return `arn:aws:elasticache:${scope.region}:${scope.accountId}:${kind}:${id}`;
}

function consoleLink(region: string, engine: string, id: string): string {
  return `https://console.aws.amazon.com/elasticache/home?region=${region}#/${engine}/${id}`;
}

/** Redis and Valkey are served as replication groups; memcached as cache clusters. */
export function isRedisLike(engine: string | undefined): boolean {
  return engine === 'redis' || engine === 'valkey';
}

/** `aws_elasticache_memcached_cluster` from DescribeCacheClusters. Memcached stores nothing at rest. */
export function convertMemcachedCluster(cluster: CacheCluster, scope: ResourceScope, tags?: Tag[]): Entity {
  const id = cluster.CacheClusterId ?? '';
  const arn = cluster.ARN ?? elastiCacheArn(scope, 'cluster', id);
  return createEntity({
    _key: arn,
    schema: ElastiCacheEntities.MEMCACHED_CLUSTER,
    name: id,
    tags,
    createdOn: cluster.CacheClusterCreateTime,
    properties: {
      id,
      cacheClusterId: id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      engine: cluster.Engine,
      engineVersion: cluster.EngineVersion,
      nodeType: cluster.CacheNodeType,
      status: cluster.CacheClusterStatus,
      active: cluster.CacheClusterStatus === 'available',
      numCacheNodes: cluster.NumCacheNodes,
      preferredAvailabilityZone: cluster.PreferredAvailabilityZone,
      configurationEndpoint: cluster.ConfigurationEndpoint?.Address,
      port: cluster.ConfigurationEndpoint?.Port,
      cacheSubnetGroupName: cluster.CacheSubnetGroupName,
      securityGroupIds: listOrUndefined(defined((cluster.SecurityGroups ?? []).map((g) => g.SecurityGroupId)).sort()),
      transitEncryptionEnabled: cluster.TransitEncryptionEnabled ?? false,
      // Memcached keeps data in memory only: there is nothing at rest to encrypt.
      encrypted: cluster.AtRestEncryptionEnabled ?? false,
      atRestEncryptionEnabled: cluster.AtRestEncryptionEnabled ?? false,
      autoMinorVersionUpgrade: cluster.AutoMinorVersionUpgrade,
      classification: null,
      webLink: consoleLink(scope.region, 'memcached', id),
    },
  });
}

/**
 * `aws_elasticache_redis_cluster` from a replication group (or a Redis cache cluster outside any
 * group, which DescribeReplicationGroups does not list), with the security groups of its members.
 */
export function convertRedisCluster(group: ReplicationGroup, scope: ResourceScope, facts: { securityGroupIds: string[]; tags?: Tag[] }): Entity {
  const id = group.ReplicationGroupId ?? '';
  const arn = group.ARN ?? elastiCacheArn(scope, 'replicationgroup', id);
  const primary = group.NodeGroups?.[0]?.PrimaryEndpoint;
  return createEntity({
    _key: arn,
    schema: ElastiCacheEntities.REDIS_CLUSTER,
    name: id,
    tags: facts.tags,
    createdOn: group.ReplicationGroupCreateTime,
    properties: {
      id,
      replicationGroupId: id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      description: group.Description || undefined,
      engine: group.Engine ?? 'redis',
      nodeType: group.CacheNodeType,
      status: group.Status,
      active: group.Status === 'available',
      clusterEnabled: group.ClusterEnabled,
      memberClusters: listOrUndefined([...(group.MemberClusters ?? [])].sort()),
      nodeGroupCount: group.NodeGroups?.length,
      automaticFailover: group.AutomaticFailover,
      multiAZ: group.MultiAZ === 'enabled',
      primaryEndpoint: primary?.Address,
      configurationEndpoint: group.ConfigurationEndpoint?.Address,
      port: primary?.Port ?? group.ConfigurationEndpoint?.Port,
      snapshotRetentionLimit: group.SnapshotRetentionLimit,
      backupEnabled: group.SnapshotRetentionLimit === undefined ? undefined : group.SnapshotRetentionLimit > 0,
      encrypted: group.AtRestEncryptionEnabled ?? false,
      atRestEncryptionEnabled: group.AtRestEncryptionEnabled ?? false,
      transitEncryptionEnabled: group.TransitEncryptionEnabled ?? false,
      authTokenEnabled: group.AuthTokenEnabled ?? false,
      kmsKeyId: group.KmsKeyId,
      autoMinorVersionUpgrade: group.AutoMinorVersionUpgrade,
      securityGroupIds: listOrUndefined([...new Set(facts.securityGroupIds)].sort()),
      classification: null,
      webLink: consoleLink(scope.region, 'redis', id),
    },
  });
}

/** A Redis cache cluster without a replication group, described as a group of one. */
export function standaloneRedisGroup(cluster: CacheCluster): ReplicationGroup {
  return {
    ReplicationGroupId: cluster.CacheClusterId,
    ARN: cluster.ARN,
    Engine: cluster.Engine,
    Status: cluster.CacheClusterStatus,
    CacheNodeType: cluster.CacheNodeType,
    MemberClusters: cluster.CacheClusterId ? [cluster.CacheClusterId] : [],
    ClusterEnabled: false,
    AutomaticFailover: 'disabled',
    MultiAZ: 'disabled',
    SnapshotRetentionLimit: cluster.SnapshotRetentionLimit,
    AtRestEncryptionEnabled: cluster.AtRestEncryptionEnabled,
    TransitEncryptionEnabled: cluster.TransitEncryptionEnabled,
    AuthTokenEnabled: cluster.AuthTokenEnabled,
    AutoMinorVersionUpgrade: cluster.AutoMinorVersionUpgrade,
    ReplicationGroupCreateTime: cluster.CacheClusterCreateTime,
    NodeGroups: [],
  };
}

/** `aws_elasticache_cluster_node`: one node of a Redis member cluster (a node group member). */
export function convertCacheNode(cluster: CacheCluster, node: CacheNode, scope: ResourceScope, role?: string): Entity {
  const clusterId = cluster.CacheClusterId ?? '';
  const clusterArn = cluster.ARN ?? elastiCacheArn(scope, 'cluster', clusterId);
  const nodeId = node.CacheNodeId ?? '0001';
  return createEntity({
    _key: `${clusterArn}:node:${nodeId}`,
    schema: ElastiCacheEntities.CLUSTER_NODE,
    name: `${clusterId}-${nodeId}`,
    createdOn: node.CacheNodeCreateTime,
    properties: {
      id: `${clusterId}:${nodeId}`,
      cacheClusterId: clusterId,
      cacheNodeId: nodeId,
      replicationGroupId: cluster.ReplicationGroupId,
      accountId: scope.accountId,
      region: scope.region,
      engine: cluster.Engine,
      engineVersion: cluster.EngineVersion,
      nodeType: cluster.CacheNodeType,
      // The Host class reserves `status` for device lifecycle values.
      cacheNodeStatus: node.CacheNodeStatus,
      active: node.CacheNodeStatus === 'available',
      role,
      availabilityZone: node.CustomerAvailabilityZone ?? cluster.PreferredAvailabilityZone,
      endpoint: node.Endpoint?.Address,
      port: node.Endpoint?.Port,
      encrypted: cluster.AtRestEncryptionEnabled ?? false,
      classification: null,
      ...managedHostProperties({ model: cluster.CacheNodeType, fqdn: node.Endpoint?.Address }),
    },
  });
}

export function elastiCacheServiceHas(accountId: string, cluster: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'elasticache'), verb: RelationshipVerb.HAS, to: cluster });
}

export function redisClusterHasNode(cluster: Entity, node: Entity): Relationship {
  return createRelationship({ from: cluster, verb: RelationshipVerb.HAS, to: node });
}
