import {
  ElastiCacheClient,
  ListTagsForResourceCommand,
  paginateDescribeCacheClusters,
  paginateDescribeReplicationGroups,
  type CacheCluster,
  type ReplicationGroup,
  type Tag,
} from '@aws-sdk/client-elasticache';
import type { Collector, CollectorContext } from '../../collectors/types';
import { addMappedEntities, kmsKeyEdge, securityGroupEdges, type ResourceScope } from '../resource-edges';
import {
  convertCacheNode,
  convertMemcachedCluster,
  convertRedisCluster,
  elastiCacheServiceHas,
  isRedisLike,
  redisClusterHasNode,
  standaloneRedisGroup,
} from './converters';
import { ElastiCacheEntities, ElastiCacheRelationships } from './schema';

const { MEMCACHED_CLUSTER, REDIS_CLUSTER, CLUSTER_NODE } = ElastiCacheEntities;
const R = ElastiCacheRelationships;

async function tagsOf(context: CollectorContext, client: ElastiCacheClient, arn: string | undefined): Promise<Tag[] | undefined> {
  if (!arn) return undefined;
  return context.optional('elasticache:ListTagsForResource', async () => (await client.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList);
}

/** Memcached clusters, Redis/Valkey replication groups and their nodes, with their security groups. */
export const elastiCacheClustersCollector: Collector = {
  id: 'elasticache-clusters',
  service: 'elasticache',
  scope: 'regional',
  entities: [MEMCACHED_CLUSTER, REDIS_CLUSTER, CLUSTER_NODE],
  relationships: [
    R.SERVICE_HAS_CLUSTER,
    R.REDIS_HAS_NODE,
    R.MEMCACHED_HAS_SECURITY_GROUP,
    R.REDIS_HAS_SECURITY_GROUP,
    R.SECURITY_GROUP_PROTECTS,
    R.REDIS_USES_KEY,
  ],
  permissions: ['elasticache:DescribeCacheClusters', 'elasticache:DescribeReplicationGroups', 'elasticache:ListTagsForResource'],
  optionalCalls: [
    {
      operation: 'elasticache:ListTagsForResource',
      properties: [
        { _type: MEMCACHED_CLUSTER._type, properties: ['tag.*', 'classification', 'owner', 'email'] },
        { _type: REDIS_CLUSTER._type, properties: ['tag.*', 'classification', 'owner', 'email'] },
      ],
      cost: 'clusters have no `tag.*` properties',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(ElastiCacheClient);
    const scope: ResourceScope = { accountId: context.account.accountId, region: context.region };
    const clusters: CacheCluster[] = [];
    for await (const page of paginateDescribeCacheClusters({ client, pageSize: 100 }, { ShowCacheNodeInfo: true }))
      clusters.push(...(page.CacheClusters ?? []));
    const groups: ReplicationGroup[] = [];
    for await (const page of paginateDescribeReplicationGroups({ client, pageSize: 100 }, {})) groups.push(...(page.ReplicationGroups ?? []));
    const ingested = await context.ingestedAccounts();

    for (const cluster of clusters.filter((c) => c.Engine === 'memcached')) {
      const entity = context.addEntity(convertMemcachedCluster(cluster, scope, await tagsOf(context, client, cluster.ARN)));
      context.addRelationship(elastiCacheServiceHas(scope.accountId, entity));
      context.addRelationships(
        securityGroupEdges(
          entity,
          (cluster.SecurityGroups ?? []).map((g) => g.SecurityGroupId),
          scope,
        ),
      );
    }

    const redisClusters = clusters.filter((c) => isRedisLike(c.Engine));
    const grouped = new Set(groups.flatMap((g) => g.MemberClusters ?? []));
    const allGroups = [...groups, ...redisClusters.filter((c) => !c.ReplicationGroupId && !grouped.has(c.CacheClusterId ?? '')).map(standaloneRedisGroup)];
    for (const group of allGroups) {
      const members = redisClusters.filter((c) => (group.MemberClusters ?? []).includes(c.CacheClusterId ?? ''));
      const securityGroupIds = members.flatMap((c) => (c.SecurityGroups ?? []).map((g) => g.SecurityGroupId ?? '')).filter(Boolean);
      const entity = context.addEntity(convertRedisCluster(group, scope, { securityGroupIds, tags: await tagsOf(context, client, group.ARN) }));
      context.addRelationship(elastiCacheServiceHas(scope.accountId, entity));
      context.addRelationships(securityGroupEdges(entity, securityGroupIds, scope));
      const key = kmsKeyEdge(entity, group.AtRestEncryptionEnabled ? group.KmsKeyId : undefined, scope, ingested);
      addMappedEntities(context.graph, key.mappedEntities);
      context.addRelationships(key.relationships);
      const roles = new Map(
        (group.NodeGroups ?? []).flatMap((ng) => (ng.NodeGroupMembers ?? []).map((m) => [`${m.CacheClusterId}:${m.CacheNodeId}`, m.CurrentRole] as const)),
      );
      for (const member of members) {
        for (const node of member.CacheNodes ?? []) {
          const nodeEntity = context.addEntity(convertCacheNode(member, node, scope, roles.get(`${member.CacheClusterId}:${node.CacheNodeId}`)));
          context.addRelationship(redisClusterHasNode(entity, nodeEntity));
        }
      }
    }
  },
};
