import type { Cluster, DescribeClusterCommandInput, ListClustersCommandInput, ListClustersCommandOutput } from '@aws-sdk/client-eks';
import { collection, defineSimulatedService, get, list, type InWorld } from '../../../sim/service-kit';
import type { GenerateInput } from '../../../sim/types';
import { ec2Resources } from '../../ec2/sim/records';

export const eksSimulator = defineSimulatedService({
  service: 'eks',
  clientName: 'EKSClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'InvalidParameterException' },
  collections: {
    clusters: collection<InWorld<Cluster>>({
      id: 'name',
      required: ['resourcesVpcConfig'],
      arn: (cluster, context) => `arn:aws:eks:${context.region}:${context.account.id}:cluster/${cluster.name}`,
      arnField: 'arn',
      derive: (cluster, context) => ({
        status: 'ACTIVE',
        endpoint: `https://${String(cluster.name).toUpperCase()}0000.gr7.${context.region}.eks.amazonaws.com`,
      }),
      dates: ['createdAt'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `No cluster found for name: ${id}.` },
    }),
  },
  operations: {
    ListClusters: list<ListClustersCommandInput, ListClustersCommandOutput>('clusters', {
      items: 'clusters',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
      item: (view) => view.name,
    }),
    DescribeCluster: get<DescribeClusterCommandInput>('clusters', { id: 'name', output: 'cluster' }),
  },
  generate: generateEksSection,
});

/**
 * One cluster in a region with at least 40 resources, on the region's first VPC and its first
 * security group; every other account's endpoint is public to the Internet.
 */
export function generateEksSection({ accountId, region, size, sections }: GenerateInput): { clusters?: Array<InWorld<Cluster>> } {
  const ec2 = ec2Resources(sections.ec2);
  const group = ec2.securityGroups[0];
  if (size < 40 || !group) return {};
  const subnets = ec2.subnets.filter((subnet) => subnet.VpcId === group.VpcId).map((subnet) => subnet.SubnetId);
  const open = Number(accountId.slice(-1)) % 2 === 0;
  return {
    clusters: [
      {
        name: 'generated-cluster',
        version: '1.29',
        roleArn: `arn:aws:iam::${accountId}:role/generated-role-0`,
        createdAt: '2024-01-01T00:00:00Z',
        resourcesVpcConfig: {
          vpcId: group.VpcId,
          subnetIds: subnets,
          securityGroupIds: [group.GroupId],
          endpointPublicAccess: open,
          endpointPrivateAccess: true,
          publicAccessCidrs: open ? ['0.0.0.0/0'] : [],
        },
        logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: !open }] },
        tags: { Name: `generated-cluster-${region}` },
      },
    ],
  };
}
