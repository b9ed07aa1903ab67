import type {
  CacheCluster,
  DescribeCacheClustersCommandOutput,
  DescribeCacheClustersMessage,
  DescribeReplicationGroupsCommandOutput,
  DescribeReplicationGroupsMessage,
  ListTagsForResourceCommandOutput,
  ListTagsForResourceMessage,
  ReplicationGroup,
  Tag,
} from '@aws-sdk/client-elasticache';
import { collection, custom, defineSimulatedService, list } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';
import { generateElastiCacheSection } from './generate';

/** An SDK shape whose date fields the world writes as ISO strings, with the tags ListTagsForResource serves. */
type Dated<T, K extends keyof T> = Omit<T, K> & { [P in K]?: string } & { Tags?: Tag[] };
export type WorldCacheNode = Dated<NonNullable<CacheCluster['CacheNodes']>[number], 'CacheNodeCreateTime'>;
export type WorldCacheCluster = Omit<Dated<CacheCluster, 'CacheClusterCreateTime'>, 'CacheNodes'> & { CacheNodes?: WorldCacheNode[] };
export type WorldReplicationGroup = Dated<ReplicationGroup, 'ReplicationGroupCreateTime'>;

export interface WorldElastiCache {
  cacheClusters?: WorldCacheCluster[];
  replicationGroups?: WorldReplicationGroup[];
}

const arn = (kind: string, id: unknown, context: SimCallContext) => `arn:aws:elasticache:${context.region}:${context.account.id}:${kind}:${String(id)}`;
const PAGE = { token: 'Marker', maxResults: 'MaxRecords', awsMax: 100 } as const;

const cacheClusters = collection<WorldCacheCluster>({
  id: 'CacheClusterId',
  required: ['Engine'],
  dates: ['CacheClusterCreateTime', 'CacheNodes.CacheNodeCreateTime'],
  worldOnly: ['Tags'],
  arn: (c, context) => arn('cluster', c.CacheClusterId, context),
  arnField: 'ARN',
  derive: (c) => ({ CacheClusterStatus: c.CacheClusterStatus ?? 'available', NumCacheNodes: c.NumCacheNodes ?? c.CacheNodes?.length ?? 1 }),
  notFound: { error: 'CacheClusterNotFound', message: (id) => `CacheCluster not found: ${id}` },
});

const replicationGroups = collection<WorldReplicationGroup>({
  id: 'ReplicationGroupId',
  dates: ['ReplicationGroupCreateTime'],
  worldOnly: ['Tags'],
  arn: (g, context) => arn('replicationgroup', g.ReplicationGroupId, context),
  arnField: 'ARN',
  derive: (g) => ({ Status: g.Status ?? 'available' }),
  notFound: { error: 'ReplicationGroupNotFoundFault', message: (id) => `ReplicationGroup not found: ${id}` },
});

export const elastiCacheSimulator = defineSimulatedService({
  service: 'elasticache',
  clientName: 'ElastiCacheClient',
  scope: 'regional',
  collections: { cacheClusters, replicationGroups },
  errors: { throttling: 'Throttling', invalidToken: 'InvalidParameterValue' },
  operations: {
    // Nodes are listed only when asked for (ShowCacheNodeInfo), as AWS does.
    DescribeCacheClusters: custom<DescribeCacheClustersMessage, DescribeCacheClustersCommandOutput>((input, context, kit) => {
      const views = kit.records('cacheClusters', context).map((record) => {
        const { CacheNodes, ...view } = kit.view('cacheClusters', record, context);
        return input.ShowCacheNodeInfo ? { ...view, CacheNodes } : view;
      });
      const page = kit.page(views, input.Marker, context.pageSize(input.MaxRecords, 100));
      return { CacheClusters: page.items as CacheCluster[], Marker: page.nextToken };
    }),
    DescribeReplicationGroups: list<DescribeReplicationGroupsMessage, DescribeReplicationGroupsCommandOutput>('replicationGroups', {
      items: 'ReplicationGroups',
      ...PAGE,
    }),
    ListTagsForResource: custom<ListTagsForResourceMessage, ListTagsForResourceCommandOutput>((input, context, kit) => {
      const name = input.ResourceName ?? '';
      const kind = name.includes(':replicationgroup:') ? 'replicationGroups' : 'cacheClusters';
      const record = kit.find(kind, name, context);
      return { TagList: Object.entries(kit.tagsOf(kind, record, context)).map(([Key, Value]) => ({ Key, Value })) };
    }),
  },
  generate: generateElastiCacheSection,
});
