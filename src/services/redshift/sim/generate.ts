import type { GenerateInput } from '../../../sim/types';
import { generatedChoices, placementOf } from '../../../sim/placement';
import type { WorldRedshift } from './simulator';

/** A generated `redshift` section: a warehouse cluster in EC2's VPC from ten resources of the region. */
export function generateRedshiftSection({ accountId, region, size, sections }: GenerateInput): WorldRedshift {
  if (size < 10 || !sections.ec2) return {};
  const { chance, pick } = generatedChoices(accountId, region, 'redshift');
  const place = placementOf(sections, accountId, region);
  if (!place.vpcId) return {};
  const key = chance('unencrypted', 0, 0.2) ? undefined : pick('key', 0, place.keyArns);
  const group = pick('sg', 0, place.securityGroupIds);
  return {
    clusters: [
      {
        ClusterIdentifier: 'generated-warehouse',
        NodeType: 'ra3.xlplus',
        NumberOfNodes: 2,
        ClusterVersion: '1.0',
        DBName: 'analytics',
        MasterUsername: 'awsuser',
        ClusterCreateTime: '2022-09-01T00:00:00Z',
        VpcId: place.vpcId,
        ClusterSubnetGroupName: 'generated-warehouse-subnets',
        AvailabilityZone: place.subnets[0]?.az,
        VpcSecurityGroups: group ? [{ VpcSecurityGroupId: group, Status: 'active' }] : [],
        PubliclyAccessible: chance('public', 0, 0.1),
        Encrypted: Boolean(key),
        KmsKeyId: key,
        AutomatedSnapshotRetentionPeriod: 1,
        AllowVersionUpgrade: true,
        EnhancedVpcRouting: chance('evr', 0, 0.5),
        Tags: [{ Key: 'Name', Value: 'generated-warehouse' }],
        Logging: chance('logging', 0, 0.5) ? { BucketName: `generated-logs-${accountId}` } : undefined,
      },
    ],
  };
}
