import type {
  Cluster,
  ClustersMessage,
  DescribeClustersMessage,
  DescribeLoggingStatusCommandInput,
  DescribeLoggingStatusCommandOutput,
} from '@aws-sdk/client-redshift';
import { collection, defineSimulatedService, get, list } from '../../../sim/service-kit';
import { generateRedshiftSection } from './generate';

/** A cluster in the world: DescribeClusters' `Cluster` (dates as ISO strings), with its audit logging (DescribeLoggingStatus). */
export type WorldRedshiftCluster = Omit<Cluster, 'ClusterCreateTime'> & {
  ClusterIdentifier: string;
  ClusterCreateTime?: string;
  Logging?: { BucketName?: string; S3KeyPrefix?: string; LogDestinationType?: 's3' | 'cloudwatch' };
};

export interface WorldRedshift {
  clusters?: WorldRedshiftCluster[];
}

const clusters = collection<WorldRedshiftCluster>({
  id: 'ClusterIdentifier',
  required: ['NodeType'],
  dates: ['ClusterCreateTime'],
  worldOnly: ['Logging'],
  arn: (c, context) => `arn:aws:redshift:${context.region}:${context.account.id}:cluster:${c.ClusterIdentifier}`,
  derive: (c, context) => ({
    ClusterStatus: c.ClusterStatus ?? 'available',
    Endpoint: c.Endpoint ?? { Address: `${c.ClusterIdentifier}.cq1ab2cd3ef4.${context.region}.redshift.amazonaws.com`, Port: 5439 },
  }),
  notFound: { error: 'ClusterNotFound', message: (id) => `Cluster ${id} not found.` },
});

export const redshiftSimulator = defineSimulatedService({
  service: 'redshift',
  clientName: 'RedshiftClient',
  scope: 'regional',
  collections: { clusters },
  errors: { throttling: 'Throttling', invalidToken: 'InvalidParameterValue' },
  operations: {
    DescribeClusters: list<DescribeClustersMessage, ClustersMessage>('clusters', { items: 'Clusters', token: 'Marker', maxResults: 'MaxRecords', awsMax: 100 }),
    DescribeLoggingStatus: get<DescribeLoggingStatusCommandInput, DescribeLoggingStatusCommandOutput, WorldRedshiftCluster>('clusters', {
      id: 'ClusterIdentifier',
      item: (_view, cluster) =>
        cluster.Logging
          ? {
              LoggingEnabled: true,
              BucketName: cluster.Logging.BucketName,
              S3KeyPrefix: cluster.Logging.S3KeyPrefix,
              LogDestinationType: cluster.Logging.LogDestinationType ?? 's3',
            }
          : { LoggingEnabled: false },
    }),
  },
  generate: generateRedshiftSection,
});
