import type { GenerateInput } from '../../../sim/types';
import { generatedChoices, placementOf } from '../../../sim/placement';
import type { WorldCacheCluster, WorldElastiCache } from './simulator';

/**
 * A generated `elasticache` section: from five resources of the region, a Redis replication group
 * of one shard with a primary and a replica; from ten, a memcached cluster too.
 */
export function generateElastiCacheSection({ accountId, region, size, sections }: GenerateInput): WorldElastiCache {
  if (size < 5) return {};
  const { chance, pick } = generatedChoices(accountId, region, 'elasticache');
  const place = placementOf(sections, accountId, region);
  const group = pick('sg', 0, place.securityGroupIds);
  const securityGroups = group ? [{ SecurityGroupId: group, Status: 'active' }] : [];
  const zones = [...new Set(place.subnets.map((s) => s.az))];
  const encrypted = !chance('unencrypted', 0, 0.3);
  const groupId = 'generated-redis';
  const members: WorldCacheCluster[] = [1, 2].map((n) => ({
    CacheClusterId: `${groupId}-00${n}`,
    ReplicationGroupId: groupId,
    Engine: 'redis',
    EngineVersion: '7.1.0',
    CacheNodeType: 'cache.r6g.large',
    PreferredAvailabilityZone: zones[n - 1] ?? `${region}a`,
    CacheClusterCreateTime: '2023-02-01T00:00:00Z',
    CacheSubnetGroupName: 'generated-cache-subnets',
    SecurityGroups: securityGroups,
    AtRestEncryptionEnabled: encrypted,
    TransitEncryptionEnabled: encrypted,
    CacheNodes: [
      {
        CacheNodeId: '0001',
        CacheNodeStatus: 'available',
        CacheNodeCreateTime: '2023-02-01T00:00:00Z',
        Endpoint: { Address: `${groupId}-00${n}.abc123.0001.${region.replace(/-/g, '')}.cache.amazonaws.com`, Port: 6379 },
      },
    ],
  }));
  const section: Required<WorldElastiCache> = {
    cacheClusters: [...members],
    replicationGroups: [
      {
        ReplicationGroupId: groupId,
        Description: 'generated',
        Engine: 'redis',
        MemberClusters: members.map((m) => m.CacheClusterId ?? ''),
        NodeGroups: [
          {
            NodeGroupId: '0001',
            Status: 'available',
            NodeGroupMembers: members.map((m, i) => ({ CacheClusterId: m.CacheClusterId, CacheNodeId: '0001', CurrentRole: i === 0 ? 'primary' : 'replica' })),
          },
        ],
        AutomaticFailover: 'enabled',
        MultiAZ: 'enabled',
        SnapshotRetentionLimit: chance('nobackup', 0, 0.3) ? 0 : 5,
        ClusterEnabled: false,
        CacheNodeType: 'cache.r6g.large',
        AtRestEncryptionEnabled: encrypted,
        TransitEncryptionEnabled: encrypted,
        KmsKeyId: encrypted ? pick('key', 0, place.keyArns) : undefined,
        ReplicationGroupCreateTime: '2023-02-01T00:00:00Z',
      },
    ],
  };
  if (size >= 10) {
    section.cacheClusters.push({
      CacheClusterId: 'generated-memcached',
      Engine: 'memcached',
      EngineVersion: '1.6.22',
      CacheNodeType: 'cache.t3.medium',
      NumCacheNodes: 2,
      CacheClusterCreateTime: '2022-10-01T00:00:00Z',
      ConfigurationEndpoint: { Address: `generated-memcached.abc123.cfg.${region.replace(/-/g, '')}.cache.amazonaws.com`, Port: 11211 },
      SecurityGroups: securityGroups,
      TransitEncryptionEnabled: false,
      AtRestEncryptionEnabled: false,
    });
  }
  return section;
}
