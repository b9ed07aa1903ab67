import type { Cluster, DescribeLoggingStatusCommandOutput } from '@aws-sdk/client-redshift';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import type { ResourceScope } from '../resource-edges';
import { serviceEntityRef } from '../../graph';
import { RedshiftEntities } from './schema';

const listOrUndefined = <T>(values: T[]): T[] | undefined => (values.length ? values : undefined);

/** Redshift's responses carry no cluster ARN: `arn:aws:redshift:<region>:<account>:cluster:<id>`. */
export function redshiftClusterArn(scope: ResourceScope, id: string): string {
  return `arn:aws:redshift:${scope.region}:${scope.accountId}:cluster:${id}`;
}

/** `aws_redshift_cluster`; `logging` from DescribeLoggingStatus when it was read. */
export function convertRedshiftCluster(cluster: Cluster, scope: ResourceScope, logging?: Omit<DescribeLoggingStatusCommandOutput, '$metadata'>): Entity {
  const id = cluster.ClusterIdentifier ?? '';
  const arn = redshiftClusterArn(scope, id);
  return createEntity({
    _key: arn,
    schema: RedshiftEntities.CLUSTER,
    name: id,
    tags: cluster.Tags,
    createdOn: cluster.ClusterCreateTime,
    properties: {
      id,
      clusterIdentifier: id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      nodeType: cluster.NodeType,
      numberOfNodes: cluster.NumberOfNodes,
      clusterVersion: cluster.ClusterVersion,
      status: cluster.ClusterStatus,
      active: cluster.ClusterStatus === 'available',
      dbName: cluster.DBName,
      masterUsername: cluster.MasterUsername,
      endpoint: cluster.Endpoint?.Address,
      port: cluster.Endpoint?.Port,
      vpcId: cluster.VpcId,
      clusterSubnetGroupName: cluster.ClusterSubnetGroupName,
      availabilityZone: cluster.AvailabilityZone,
      multiAZ: cluster.MultiAZ === 'Enabled',
      public: cluster.PubliclyAccessible ?? false,
      encrypted: cluster.Encrypted ?? false,
      kmsKeyId: cluster.KmsKeyId,
      classification: null,
      enhancedVpcRouting: cluster.EnhancedVpcRouting ?? false,
      allowVersionUpgrade: cluster.AllowVersionUpgrade,
      automatedSnapshotRetentionPeriod: cluster.AutomatedSnapshotRetentionPeriod,
      backupRetentionPeriod: cluster.AutomatedSnapshotRetentionPeriod,
      backupEnabled: cluster.AutomatedSnapshotRetentionPeriod === undefined ? undefined : cluster.AutomatedSnapshotRetentionPeriod > 0,
      manualSnapshotRetentionPeriod: cluster.ManualSnapshotRetentionPeriod,
      iamRoleArns: listOrUndefined(
        (cluster.IamRoles ?? [])
          .map((r) => r.IamRoleArn ?? '')
          .filter(Boolean)
          .sort(),
      ),
      securityGroupIds: listOrUndefined(
        (cluster.VpcSecurityGroups ?? [])
          .map((g) => g.VpcSecurityGroupId ?? '')
          .filter(Boolean)
          .sort(),
      ),
      // Unknown (not false) when DescribeLoggingStatus could not be read.
      loggingEnabled: logging?.LoggingEnabled,
      loggingBucketName: logging?.BucketName,
      loggingDestinationType: logging?.LogDestinationType,
      webLink: `https://console.aws.amazon.com/redshiftv2/home?region=${scope.region}#cluster-details?cluster=${encodeURIComponent(id)}`,
    },
  });
}

export function redshiftServiceHasCluster(accountId: string, cluster: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'redshift'), verb: RelationshipVerb.HAS, to: cluster });
}
