import { DescribeLoggingStatusCommand, paginateDescribeClusters, RedshiftClient, type Cluster } from '@aws-sdk/client-redshift';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { addMappedEntities, kmsKeyEdge, securityGroupEdges, vpcHasResource, type ResourceScope } from '../resource-edges';
import { convertRedshiftCluster, redshiftServiceHasCluster } from './converters';
import { RedshiftEntities, RedshiftRelationships } from './schema';

const CLUSTER = RedshiftEntities.CLUSTER;
const R = RedshiftRelationships;

export const redshiftClustersCollector: Collector = {
  id: 'redshift-clusters',
  service: 'redshift',
  scope: 'regional',
  entities: [CLUSTER],
  relationships: [R.SERVICE_HAS_CLUSTER, R.VPC_HAS_CLUSTER, R.CLUSTER_HAS_SECURITY_GROUP, R.SECURITY_GROUP_PROTECTS, R.CLUSTER_USES_KEY],
  permissions: ['redshift:DescribeClusters', 'redshift:DescribeLoggingStatus'],
  optionalCalls: [
    {
      operation: 'redshift:DescribeLoggingStatus',
      properties: [{ _type: CLUSTER._type, properties: ['loggingEnabled', 'loggingBucketName', 'loggingDestinationType'] }],
      cost: 'clusters have no `loggingEnabled`',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(RedshiftClient);
    const scope: ResourceScope = { accountId: context.account.accountId, region: context.region };
    const clusters: Cluster[] = [];
    for await (const page of paginateDescribeClusters({ client, pageSize: 100 }, {})) clusters.push(...(page.Clusters ?? []));
    const ingested = await context.ingestedAccounts();
    await mapConcurrent(clusters, 4, async (cluster) => {
      const id = cluster.ClusterIdentifier ?? '';
      const logging = await context.optional('redshift:DescribeLoggingStatus', () => client.send(new DescribeLoggingStatusCommand({ ClusterIdentifier: id })));
      const entity = context.addEntity(convertRedshiftCluster(cluster, scope, logging));
      context.addRelationship(redshiftServiceHasCluster(scope.accountId, entity));
      const inVpc = vpcHasResource(cluster.VpcId, entity, scope);
      if (inVpc) context.addRelationship(inVpc);
      context.addRelationships(
        securityGroupEdges(
          entity,
          (cluster.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          scope,
        ),
      );
      const key = kmsKeyEdge(entity, cluster.Encrypted ? cluster.KmsKeyId : undefined, scope, ingested);
      addMappedEntities(context.graph, key.mappedEntities);
      context.addRelationships(key.relationships);
    });
  },
};
