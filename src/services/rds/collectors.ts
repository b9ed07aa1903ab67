import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  RDSClient,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import {
  addMappedEntities,
  kmsKeyEdge,
  securityGroupEdges,
  sharingEdges,
  subnetHasResource,
  vpcHasResource,
  type EdgeResult,
  type ResourceScope,
} from '../resource-edges';
import {
  contains,
  convertDbCluster,
  convertDbClusterSnapshot,
  convertDbInstance,
  convertDbSnapshot,
  dbInstanceSubnetIds,
  rdsArn,
  rdsServiceHas,
  restoreGrantees,
} from './converters';
import { RdsEntities, RdsRelationships } from './schema';

const { CLUSTER, INSTANCE, SNAPSHOT, CLUSTER_SNAPSHOT } = RdsEntities;
const R = RdsRelationships;

function addEdges(context: CollectorContext, result: EdgeResult): void {
  addMappedEntities(context.graph, result.mappedEntities);
  context.addRelationships(result.relationships);
}

/** DB clusters and instances, with their keys, security groups, VPC and subnets. */
export const rdsDatabasesCollector: Collector = {
  id: 'rds-databases',
  service: 'rds',
  scope: 'regional',
  entities: [CLUSTER, INSTANCE],
  relationships: [
    R.SERVICE_HAS_CLUSTER,
    R.SERVICE_HAS_INSTANCE,
    R.CLUSTER_CONTAINS_INSTANCE,
    R.CLUSTER_USES_KEY,
    R.INSTANCE_USES_KEY,
    R.CLUSTER_HAS_SECURITY_GROUP,
    R.INSTANCE_HAS_SECURITY_GROUP,
    R.SECURITY_GROUP_PROTECTS,
    R.VPC_HAS_CLUSTER,
    R.SUBNET_HAS_INSTANCE,
  ],
  permissions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
  // Edge targets (EC2, KMS) are named by computed keys, not looked up: no dependency, so excluding
  // those services does not pull them back in; edges to targets not collected are dropped.
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(RDSClient);
    const scope: ResourceScope = { accountId: context.account.accountId, region: context.region };
    const instances: DBInstance[] = [];
    for await (const page of paginateDescribeDBInstances({ client, pageSize: 100 }, {})) instances.push(...(page.DBInstances ?? []));
    const clusters: DBCluster[] = [];
    for await (const page of paginateDescribeDBClusters({ client, pageSize: 100 }, {})) clusters.push(...(page.DBClusters ?? []));
    const ingested = await context.ingestedAccounts();

    const vpcOfInstance = new Map(instances.map((i) => [i.DBInstanceIdentifier, i.DBSubnetGroup?.VpcId]));
    for (const instance of instances) {
      const entity = context.addEntity(convertDbInstance(instance, scope));
      context.addRelationship(rdsServiceHas(scope.accountId, entity));
      context.addRelationships(
        securityGroupEdges(
          entity,
          (instance.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          scope,
        ),
      );
      for (const subnetId of dbInstanceSubnetIds(instance)) context.addRelationship(subnetHasResource(subnetId, entity, scope));
      // Aurora members report the cluster's key; the cluster draws that edge.
      if (!instance.DBClusterIdentifier) addEdges(context, kmsKeyEdge(entity, instance.StorageEncrypted ? instance.KmsKeyId : undefined, scope, ingested));
    }
    for (const cluster of clusters) {
      const members = cluster.DBClusterMembers ?? [];
      const vpcId = members.map((m) => vpcOfInstance.get(m.DBInstanceIdentifier)).find(Boolean);
      const entity = context.addEntity(convertDbCluster(cluster, scope, vpcId));
      context.addRelationship(rdsServiceHas(scope.accountId, entity));
      context.addRelationships(
        securityGroupEdges(
          entity,
          (cluster.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          scope,
        ),
      );
      const inVpc = vpcHasResource(vpcId, entity, scope);
      if (inVpc) context.addRelationship(inVpc);
      addEdges(context, kmsKeyEdge(entity, cluster.StorageEncrypted ? cluster.KmsKeyId : undefined, scope, ingested));
      for (const member of members) {
        if (!member.DBInstanceIdentifier) continue;
        const instance = instances.find((i) => i.DBInstanceIdentifier === member.DBInstanceIdentifier);
        const key = instance?.DBInstanceArn ?? rdsArn(scope, 'db', member.DBInstanceIdentifier);
        context.addRelationship(contains(entity, { _key: key, _type: INSTANCE._type }));
      }
    }
  },
};

/** DB and cluster snapshots: what they belong to, their keys, and who they are shared with. */
export const rdsSnapshotsCollector: Collector = {
  id: 'rds-snapshots',
  service: 'rds',
  scope: 'regional',
  entities: [SNAPSHOT, CLUSTER_SNAPSHOT],
  relationships: [
    R.INSTANCE_CONTAINS_SNAPSHOT,
    R.CLUSTER_CONTAINS_SNAPSHOT,
    R.SNAPSHOT_USES_KEY,
    R.CLUSTER_SNAPSHOT_USES_KEY,
    R.SNAPSHOT_ALLOWS,
    R.CLUSTER_SNAPSHOT_ALLOWS,
  ],
  permissions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots', 'rds:DescribeDBSnapshotAttributes', 'rds:DescribeDBClusterSnapshotAttributes'],
  optionalCalls: [
    {
      operation: 'rds:DescribeDBSnapshotAttributes',
      properties: [{ _type: SNAPSHOT._type, properties: ['public', 'shared', 'sharedWithAccounts'] }],
      cost: 'manual DB snapshots have no `public`/`shared` and no ALLOWS edges to the accounts or Everyone they are shared with',
    },
    {
      operation: 'rds:DescribeDBClusterSnapshotAttributes',
      properties: [{ _type: CLUSTER_SNAPSHOT._type, properties: ['public', 'shared', 'sharedWithAccounts'] }],
      cost: 'manual cluster snapshots have no `public`/`shared` and no ALLOWS edges to the accounts or Everyone they are shared with',
    },
  ],
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(RDSClient);
    const scope: ResourceScope = { accountId: context.account.accountId, region: context.region };
    const snapshots: DBSnapshot[] = [];
    for await (const page of paginateDescribeDBSnapshots({ client, pageSize: 100 }, {})) snapshots.push(...(page.DBSnapshots ?? []));
    const clusterSnapshots: DBClusterSnapshot[] = [];
    for await (const page of paginateDescribeDBClusterSnapshots({ client, pageSize: 100 }, {})) clusterSnapshots.push(...(page.DBClusterSnapshots ?? []));
    const ingested = await context.ingestedAccounts();

    // Only manual snapshots can be shared; automated ones are not asked about.
    await mapConcurrent(snapshots, 4, async (snapshot) => {
      const id = snapshot.DBSnapshotIdentifier ?? '';
      const shared =
        snapshot.SnapshotType === 'manual'
          ? await context.optional('rds:DescribeDBSnapshotAttributes', async () => {
              const output = await client.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id }));
              return restoreGrantees(output.DBSnapshotAttributesResult?.DBSnapshotAttributes);
            })
          : undefined;
      const entity = context.addEntity(convertDbSnapshot(snapshot, scope, shared));
      if (snapshot.DBInstanceIdentifier)
        context.addRelationship(contains({ _type: INSTANCE._type, _key: rdsArn(scope, 'db', snapshot.DBInstanceIdentifier) }, entity));
      addEdges(context, kmsKeyEdge(entity, snapshot.Encrypted ? snapshot.KmsKeyId : undefined, scope, ingested));
      if (shared)
        addEdges(
          context,
          sharingEdges(entity, shared, ingested, { actions: ['rds:RestoreDBInstanceFromDBSnapshot', 'rds:CopyDBSnapshot'], attribute: 'restore' }),
        );
    });
    await mapConcurrent(clusterSnapshots, 4, async (snapshot) => {
      const id = snapshot.DBClusterSnapshotIdentifier ?? '';
      const shared =
        snapshot.SnapshotType === 'manual'
          ? await context.optional('rds:DescribeDBClusterSnapshotAttributes', async () => {
              const output = await client.send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id }));
              return restoreGrantees(output.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes);
            })
          : undefined;
      const entity = context.addEntity(convertDbClusterSnapshot(snapshot, scope, shared));
      if (snapshot.DBClusterIdentifier)
        context.addRelationship(contains({ _type: CLUSTER._type, _key: rdsArn(scope, 'cluster', snapshot.DBClusterIdentifier) }, entity));
      addEdges(context, kmsKeyEdge(entity, snapshot.StorageEncrypted ? snapshot.KmsKeyId : undefined, scope, ingested));
      if (shared)
        addEdges(
          context,
          sharingEdges(entity, shared, ingested, { actions: ['rds:RestoreDBClusterFromSnapshot', 'rds:CopyDBClusterSnapshot'], attribute: 'restore' }),
        );
    });
  },
};
