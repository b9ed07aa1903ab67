import type { DBCluster, DBClusterSnapshot, DBInstance, DBSnapshot, DBSnapshotAttribute, DBClusterSnapshotAttribute } from '@aws-sdk/client-rds';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { managedHostProperties, type ResourceScope } from '../resource-edges';
import { serviceEntityRef } from '../../graph';
import { RdsEntities } from './schema';

const listOrUndefined = <T>(values: T[]): T[] | undefined => (values.length ? values : undefined);
const defined = <T>(values: readonly (T | undefined | null)[]): T[] => values.filter((value): value is T => value !== undefined && value !== null);

function consoleLink(region: string, fragment: string): string {
  return `https://console.aws.amazon.com/rds/home?region=${region}#${fragment}`;
}

/** `arn:aws:rds:<region>:<account>:<kind>:<id>`, for resources whose response lacks their ARN. */
export function rdsArn(scope: ResourceScope, kind: 'db' | 'cluster' | 'snapshot' | 'cluster-snapshot', id: string): string {
  return `arn:aws:rds:${scope.region}:${scope.accountId}:${kind}:${id}`;
}

/** `aws_db_instance`. RDS reports `PubliclyAccessible` and `StorageEncrypted`, which CIS 3.2.1 and 3.2.3 read as `public` and `encrypted`. */
export function convertDbInstance(instance: DBInstance, scope: ResourceScope): Entity {
  const id = instance.DBInstanceIdentifier ?? '';
  const arn = instance.DBInstanceArn ?? rdsArn(scope, 'db', id);
  const subnetGroup = instance.DBSubnetGroup;
  return createEntity({
    _key: arn,
    schema: RdsEntities.INSTANCE,
    name: id,
    tags: instance.TagList,
    createdOn: instance.InstanceCreateTime,
    properties: {
      id: instance.DbiResourceId ?? id,
      dbInstanceIdentifier: id,
      resourceId: instance.DbiResourceId,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      engine: instance.Engine,
      engineVersion: instance.EngineVersion,
      instanceClass: instance.DBInstanceClass,
      // The Host class reserves `status` for device lifecycle values.
      dbInstanceStatus: instance.DBInstanceStatus,
      active: instance.DBInstanceStatus === 'available',
      dbName: instance.DBName,
      masterUsername: instance.MasterUsername,
      endpoint: instance.Endpoint?.Address,
      port: instance.Endpoint?.Port ?? instance.DbInstancePort,
      availabilityZone: instance.AvailabilityZone,
      secondaryAvailabilityZone: instance.SecondaryAvailabilityZone,
      multiAZ: instance.MultiAZ ?? false,
      public: instance.PubliclyAccessible ?? false,
      encrypted: instance.StorageEncrypted ?? false,
      kmsKeyId: instance.KmsKeyId,
      classification: null,
      storageType: instance.StorageType,
      allocatedStorage: instance.AllocatedStorage,
      backupRetentionPeriod: instance.BackupRetentionPeriod,
      // Automated backups are off when the retention period is 0.
      backupEnabled: instance.BackupRetentionPeriod === undefined ? undefined : instance.BackupRetentionPeriod > 0,
      deletionProtection: instance.DeletionProtection ?? false,
      iamDatabaseAuthenticationEnabled: instance.IAMDatabaseAuthenticationEnabled ?? false,
      autoMinorVersionUpgrade: instance.AutoMinorVersionUpgrade,
      performanceInsightsEnabled: instance.PerformanceInsightsEnabled,
      caCertificateIdentifier: instance.CACertificateIdentifier,
      enabledCloudwatchLogsExports: listOrUndefined([...(instance.EnabledCloudwatchLogsExports ?? [])]),
      loggingEnabled: (instance.EnabledCloudwatchLogsExports ?? []).length > 0,
      dbClusterIdentifier: instance.DBClusterIdentifier,
      dbSubnetGroupName: subnetGroup?.DBSubnetGroupName,
      vpcId: subnetGroup?.VpcId,
      subnetIds: listOrUndefined(defined((subnetGroup?.Subnets ?? []).map((s) => s.SubnetIdentifier)).sort()),
      securityGroupIds: listOrUndefined(defined((instance.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId)).sort()),
      webLink: consoleLink(scope.region, `database:id=${id};is-cluster=false`),
      ...managedHostProperties({ model: instance.DBInstanceClass, fqdn: instance.Endpoint?.Address }),
    },
  });
}

/**
 * The subnets an instance runs in: those of its subnet group in its availability zone (its
 * primary one; a Multi-AZ standby's zone too). RDS does not report the subnet itself.
 */
export function dbInstanceSubnetIds(instance: DBInstance): string[] {
  const zones = new Set(defined([instance.AvailabilityZone, instance.SecondaryAvailabilityZone]));
  return defined(
    (instance.DBSubnetGroup?.Subnets ?? [])
      .filter((s) => s.SubnetAvailabilityZone?.Name && zones.has(s.SubnetAvailabilityZone.Name))
      .map((s) => s.SubnetIdentifier),
  ).sort();
}

/** `aws_rds_cluster` (Aurora, Multi-AZ DB clusters; Neptune and DocumentDB clusters share the API). */
export function convertDbCluster(cluster: DBCluster, scope: ResourceScope, vpcId?: string): Entity {
  const id = cluster.DBClusterIdentifier ?? '';
  const arn = cluster.DBClusterArn ?? rdsArn(scope, 'cluster', id);
  return createEntity({
    _key: arn,
    schema: RdsEntities.CLUSTER,
    name: id,
    tags: cluster.TagList,
    createdOn: cluster.ClusterCreateTime,
    properties: {
      id: cluster.DbClusterResourceId ?? id,
      dbClusterIdentifier: id,
      resourceId: cluster.DbClusterResourceId,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      engine: cluster.Engine,
      engineVersion: cluster.EngineVersion,
      engineMode: cluster.EngineMode,
      status: cluster.Status,
      active: cluster.Status === 'available',
      databaseName: cluster.DatabaseName,
      masterUsername: cluster.MasterUsername,
      endpoint: cluster.Endpoint,
      readerEndpoint: cluster.ReaderEndpoint,
      port: cluster.Port,
      availabilityZones: listOrUndefined([...(cluster.AvailabilityZones ?? [])].sort()),
      // Aurora spreads its storage over three zones; `MultiAZ` says whether a replica runs in another zone.
      multiAZ: cluster.MultiAZ ?? false,
      // Only Multi-AZ DB clusters report `PubliclyAccessible`; Aurora's is per instance.
      public: cluster.PubliclyAccessible,
      encrypted: cluster.StorageEncrypted ?? false,
      kmsKeyId: cluster.KmsKeyId,
      classification: null,
      storageType: cluster.StorageType,
      allocatedStorage: cluster.AllocatedStorage,
      backupRetentionPeriod: cluster.BackupRetentionPeriod,
      backupEnabled: cluster.BackupRetentionPeriod === undefined ? undefined : cluster.BackupRetentionPeriod > 0,
      deletionProtection: cluster.DeletionProtection ?? false,
      iamDatabaseAuthenticationEnabled: cluster.IAMDatabaseAuthenticationEnabled ?? false,
      autoMinorVersionUpgrade: cluster.AutoMinorVersionUpgrade,
      enabledCloudwatchLogsExports: listOrUndefined([...(cluster.EnabledCloudwatchLogsExports ?? [])]),
      loggingEnabled: (cluster.EnabledCloudwatchLogsExports ?? []).length > 0,
      dbSubnetGroupName: cluster.DBSubnetGroup,
      vpcId,
      memberIds: listOrUndefined(defined((cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier)).sort()),
      writerIds: listOrUndefined(defined((cluster.DBClusterMembers ?? []).filter((m) => m.IsClusterWriter).map((m) => m.DBInstanceIdentifier)).sort()),
      securityGroupIds: listOrUndefined(defined((cluster.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId)).sort()),
      webLink: consoleLink(scope.region, `database:id=${id};is-cluster=true`),
    },
  });
}

/** Who may restore a manual snapshot: the `restore` attribute's values (account ids, or `all` for public). */
export function restoreGrantees(attributes: readonly (DBSnapshotAttribute | DBClusterSnapshotAttribute)[] | undefined): string[] {
  return [...new Set((attributes ?? []).filter((a) => a.AttributeName === 'restore').flatMap((a) => a.AttributeValues ?? []))].sort();
}

function sharingProperties(grantees: string[] | undefined): Record<string, boolean | string[] | undefined> {
  // Unknown (attributes not read, or an automated snapshot, which cannot be shared) is not false.
  if (!grantees) return {};
  const accounts = grantees.filter((g) => g !== 'all');
  return { public: grantees.includes('all'), shared: accounts.length > 0, sharedWithAccounts: listOrUndefined(accounts) };
}

/** `aws_db_snapshot`; `grantees` from DescribeDBSnapshotAttributes when it was read. */
export function convertDbSnapshot(snapshot: DBSnapshot, scope: ResourceScope, grantees?: string[]): Entity {
  const id = snapshot.DBSnapshotIdentifier ?? '';
  const arn = snapshot.DBSnapshotArn ?? rdsArn(scope, 'snapshot', id);
  const automated = snapshot.SnapshotType === 'automated';
  return createEntity({
    _key: arn,
    schema: RdsEntities.SNAPSHOT,
    name: id,
    tags: snapshot.TagList,
    createdOn: snapshot.SnapshotCreateTime,
    properties: {
      id: snapshot.DbiResourceId ? `${snapshot.DbiResourceId}:${id}` : id,
      dbSnapshotIdentifier: id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      dbInstanceIdentifier: snapshot.DBInstanceIdentifier,
      snapshotType: snapshot.SnapshotType,
      engine: snapshot.Engine,
      engineVersion: snapshot.EngineVersion,
      status: snapshot.Status,
      active: snapshot.Status === 'available',
      allocatedStorage: snapshot.AllocatedStorage,
      availabilityZone: snapshot.AvailabilityZone,
      vpcId: snapshot.VpcId,
      port: snapshot.Port,
      encrypted: snapshot.Encrypted ?? false,
      kmsKeyId: snapshot.KmsKeyId,
      classification: null,
      iamDatabaseAuthenticationEnabled: snapshot.IAMDatabaseAuthenticationEnabled,
      ...(automated ? { public: false, shared: false } : sharingProperties(grantees)),
      webLink: consoleLink(scope.region, `db-snapshot:id=${id}`),
    },
  });
}

/** `aws_db_cluster_snapshot`; `grantees` from DescribeDBClusterSnapshotAttributes when it was read. */
export function convertDbClusterSnapshot(snapshot: DBClusterSnapshot, scope: ResourceScope, grantees?: string[]): Entity {
  const id = snapshot.DBClusterSnapshotIdentifier ?? '';
  const arn = snapshot.DBClusterSnapshotArn ?? rdsArn(scope, 'cluster-snapshot', id);
  const automated = snapshot.SnapshotType === 'automated';
  return createEntity({
    _key: arn,
    schema: RdsEntities.CLUSTER_SNAPSHOT,
    name: id,
    tags: snapshot.TagList,
    createdOn: snapshot.SnapshotCreateTime,
    properties: {
      id,
      dbClusterSnapshotIdentifier: id,
      arn,
      accountId: scope.accountId,
      region: scope.region,
      dbClusterIdentifier: snapshot.DBClusterIdentifier,
      snapshotType: snapshot.SnapshotType,
      engine: snapshot.Engine,
      engineVersion: snapshot.EngineVersion,
      status: snapshot.Status,
      active: snapshot.Status === 'available',
      allocatedStorage: snapshot.AllocatedStorage,
      vpcId: snapshot.VpcId,
      port: snapshot.Port,
      encrypted: snapshot.StorageEncrypted ?? false,
      kmsKeyId: snapshot.KmsKeyId,
      classification: null,
      iamDatabaseAuthenticationEnabled: snapshot.IAMDatabaseAuthenticationEnabled,
      ...(automated ? { public: false, shared: false } : sharingProperties(grantees)),
      webLink: consoleLink(scope.region, `db-cluster-snapshot:id=${id}`),
    },
  });
}

export function rdsServiceHas(accountId: string, entity: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'rds'), verb: RelationshipVerb.HAS, to: entity });
}

export function contains(parent: { _key: string; _type: string }, child: { _key: string; _type: string }): Relationship {
  return createRelationship({ from: parent, verb: RelationshipVerb.CONTAINS, to: child });
}
