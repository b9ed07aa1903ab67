import test from 'ava';
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { validateEntity } from '../../src/graph';
import {
  convertDbCluster,
  convertDbClusterSnapshot,
  convertDbInstance,
  convertDbSnapshot,
  dbInstanceSubnetIds,
  restoreGrantees,
} from '../../src/services/rds/converters';
import { sharingEdges } from '../../src/services/resource-edges';

// Shapes: RDS API Reference, DescribeDBInstances / DescribeDBClusters / DescribeDBSnapshots /
// DescribeDBClusterSnapshots / DescribeDBSnapshotAttributes response elements.
const scope = { accountId: '123456789012', region: 'us-east-1' };

const mydbinstance: DBInstance = {
  DBInstanceIdentifier: 'mydbinstance-1',
  DBInstanceClass: 'db.t3.micro',
  Engine: 'mysql',
  DBInstanceStatus: 'available',
  MasterUsername: 'admin',
  Endpoint: { Address: 'mydbinstance-1.123456789012.us-east-1.rds.amazonaws.com', Port: 3306, HostedZoneId: 'Z2R2ITUGPM61AM' },
  AllocatedStorage: 20,
  InstanceCreateTime: new Date('2019-06-06T17:41:27.106Z'),
  PreferredBackupWindow: '07:50-08:20',
  BackupRetentionPeriod: 7,
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0a1b2c3d4e5f60718', Status: 'active' }],
  AvailabilityZone: 'us-east-1f',
  DBSubnetGroup: {
    DBSubnetGroupName: 'default',
    DBSubnetGroupDescription: 'default',
    VpcId: 'vpc-6594f31c',
    SubnetGroupStatus: 'Complete',
    Subnets: [
      { SubnetIdentifier: 'subnet-cbfff283', SubnetAvailabilityZone: { Name: 'us-east-1b' }, SubnetStatus: 'Active' },
      { SubnetIdentifier: 'subnet-d7c825e8', SubnetAvailabilityZone: { Name: 'us-east-1f' }, SubnetStatus: 'Active' },
    ],
  },
  MultiAZ: false,
  EngineVersion: '8.0.35',
  AutoMinorVersionUpgrade: true,
  PubliclyAccessible: true,
  StorageType: 'gp2',
  StorageEncrypted: false,
  DbiResourceId: 'db-ETDZIIXHEWY5N7GXVC4SH7H5IA',
  CACertificateIdentifier: 'rds-ca-rsa2048-g1',
  DeletionProtection: false,
  IAMDatabaseAuthenticationEnabled: false,
  DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:mydbinstance-1',
  TagList: [
    { Key: 'Name', Value: 'reporting' },
    { Key: 'owner', Value: 'data-team' },
  ],
};

test('convertDbInstance maps the properties CIS and JupiterOne queries read', (t) => {
  const entity = convertDbInstance(mydbinstance, scope);
  t.is(entity._key, 'arn:aws:rds:us-east-1:123456789012:db:mydbinstance-1');
  t.deepEqual(entity._class, ['DataStore', 'Database', 'Host']);
  t.is(entity.name, 'mydbinstance-1');
  t.is(entity.displayName, 'reporting');
  t.like(entity, {
    engine: 'mysql',
    public: true,
    encrypted: false,
    backupRetentionPeriod: 7,
    backupEnabled: true,
    deletionProtection: false,
    iamDatabaseAuthenticationEnabled: false,
    autoMinorVersionUpgrade: true,
    multiAZ: false,
    vpcId: 'vpc-6594f31c',
    endpoint: 'mydbinstance-1.123456789012.us-east-1.rds.amazonaws.com',
    port: 3306,
    'tag.owner': 'data-team',
    createdOn: Date.parse('2019-06-06T17:41:27.106Z'),
  });
  t.deepEqual(entity.securityGroupIds, ['sg-0a1b2c3d4e5f60718']);
  t.deepEqual(entity.subnetIds, ['subnet-cbfff283', 'subnet-d7c825e8']);
  t.deepEqual(entity.fqdn, ['mydbinstance-1.123456789012.us-east-1.rds.amazonaws.com']);
  t.deepEqual(validateEntity(entity), []);
});

test('an instance runs in the subnets of its group in its zones', (t) => {
  t.deepEqual(dbInstanceSubnetIds(mydbinstance), ['subnet-d7c825e8']);
  t.deepEqual(dbInstanceSubnetIds({ ...mydbinstance, SecondaryAvailabilityZone: 'us-east-1b' }), ['subnet-cbfff283', 'subnet-d7c825e8']);
});

test('backups off and encryption are read from the response', (t) => {
  const entity = convertDbInstance(
    {
      ...mydbinstance,
      BackupRetentionPeriod: 0,
      StorageEncrypted: true,
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    },
    scope,
  );
  t.is(entity.backupEnabled, false);
  t.is(entity.encrypted, true);
  t.is(entity.kmsKeyId, 'arn:aws:kms:us-east-1:123456789012:key/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111');
});

const aurora: DBCluster = {
  AllocatedStorage: 1,
  AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1e'],
  BackupRetentionPeriod: 1,
  DatabaseName: 'mydb',
  DBClusterIdentifier: 'mydbcluster',
  DBClusterParameterGroup: 'default.aurora-mysql8.0',
  DBSubnetGroup: 'default',
  Status: 'available',
  Endpoint: 'mydbcluster.cluster-cnpexample.us-east-1.rds.amazonaws.com',
  ReaderEndpoint: 'mydbcluster.cluster-ro-cnpexample.us-east-1.rds.amazonaws.com',
  MultiAZ: false,
  Engine: 'aurora-mysql',
  EngineVersion: '8.0.mysql_aurora.3.04.0',
  Port: 3306,
  MasterUsername: 'admin',
  DBClusterMembers: [{ DBInstanceIdentifier: 'dbinstance3', IsClusterWriter: true, DBClusterParameterGroupStatus: 'in-sync', PromotionTier: 1 }],
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0b9130572daf3dc16', Status: 'active' }],
  StorageEncrypted: true,
  KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
  DbClusterResourceId: 'cluster-ANPAJ4AE5446DAEXAMPLE',
  DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:mydbcluster',
  IAMDatabaseAuthenticationEnabled: false,
  ClusterCreateTime: new Date('2019-04-15T14:18:42.785Z'),
  EngineMode: 'provisioned',
  DeletionProtection: false,
};

test('convertDbCluster maps an Aurora cluster', (t) => {
  const entity = convertDbCluster(aurora, scope, 'vpc-6594f31c');
  t.is(entity._key, 'arn:aws:rds:us-east-1:123456789012:cluster:mydbcluster');
  t.deepEqual(entity._class, ['DataStore', 'Database', 'Cluster']);
  t.like(entity, {
    engine: 'aurora-mysql',
    encrypted: true,
    multiAZ: false,
    backupRetentionPeriod: 1,
    deletionProtection: false,
    vpcId: 'vpc-6594f31c',
    port: 3306,
  });
  t.is(entity.public, undefined, 'Aurora clusters have no PubliclyAccessible of their own');
  t.deepEqual(entity.memberIds, ['dbinstance3']);
  t.deepEqual(entity.writerIds, ['dbinstance3']);
  t.deepEqual(validateEntity(entity), []);
});

test('snapshots: sharing from the restore attribute, unknown when not read, never for automated ones', (t) => {
  const attributes = [{ AttributeName: 'restore', AttributeValues: ['all', '444455556666'] }];
  t.deepEqual(restoreGrantees(attributes), ['444455556666', 'all']);
  t.deepEqual(restoreGrantees([{ AttributeName: 'restore', AttributeValues: [] }]), []);
  const manual = {
    DBSnapshotIdentifier: 'mydbsnapshot',
    DBInstanceIdentifier: 'database-mysql',
    SnapshotCreateTime: new Date('2019-06-18T22:08:40.702Z'),
    Engine: 'mysql',
    AllocatedStorage: 100,
    Status: 'available',
    Port: 3306,
    AvailabilityZone: 'us-east-1f',
    VpcId: 'vpc-6594f31c',
    SnapshotType: 'manual',
    Encrypted: true,
    KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/AKIAIOSFODNN7EXAMPLE',
    DBSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:mydbsnapshot',
    DbiResourceId: 'db-AKIAIOSFODNN7EXAMPLE',
  };
  const shared = convertDbSnapshot(manual, scope, restoreGrantees(attributes));
  t.like(shared, { public: true, shared: true, encrypted: true, dbInstanceIdentifier: 'database-mysql', createdOn: Date.parse('2019-06-18T22:08:40.702Z') });
  t.deepEqual(shared.sharedWithAccounts, ['444455556666']);
  t.deepEqual(validateEntity(shared), []);
  const unknown = convertDbSnapshot(manual, scope);
  t.false('public' in unknown);
  const automated = convertDbSnapshot({ ...manual, SnapshotType: 'automated' }, scope);
  t.is(automated.public, false);

  const edges = sharingEdges(shared, ['444455556666', 'all'], new Set(['123456789012']), { attribute: 'restore' });
  t.deepEqual(edges.relationships.map((r) => `${r._type} ${r._toEntityKey}`).sort(), [
    'aws_db_snapshot_allows_account aws:account:444455556666',
    'aws_db_snapshot_allows_everyone global:everyone',
  ]);
  t.deepEqual(edges.mappedEntities.map((e) => `${e._type} ${e._key} ${e._source}`).sort(), [
    'aws_account aws:account:444455556666 system-mapper',
    'everyone global:everyone system-mapper',
  ]);
  const ingested = sharingEdges(shared, ['444455556666'], new Set(['123456789012', '444455556666']), {});
  t.deepEqual(ingested.mappedEntities, [], 'an ingested account is its own entity, not a placeholder');
});

test('convertDbClusterSnapshot maps a cluster snapshot', (t) => {
  const entity = convertDbClusterSnapshot(
    {
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1e'],
      DBClusterSnapshotIdentifier: 'myclustersnapshotcopy',
      DBClusterIdentifier: 'myauroracluster',
      SnapshotCreateTime: new Date('2019-06-04T09:16:42.649Z'),
      Engine: 'aurora-mysql',
      AllocatedStorage: 0,
      Status: 'available',
      Port: 0,
      VpcId: 'vpc-6594f31c',
      ClusterCreateTime: new Date('2019-04-15T14:18:42.785Z'),
      MasterUsername: 'myadmin',
      EngineVersion: '5.7.mysql_aurora.2.04.2',
      SnapshotType: 'manual',
      PercentProgress: 100,
      StorageEncrypted: true,
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/AKIAIOSFODNN7EXAMPLE',
      DBClusterSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:myclustersnapshotcopy',
      IAMDatabaseAuthenticationEnabled: false,
    },
    scope,
    [],
  );
  t.is(entity._key, 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:myclustersnapshotcopy');
  t.like(entity, { encrypted: true, public: false, shared: false, dbClusterIdentifier: 'myauroracluster' });
  t.deepEqual(validateEntity(entity), []);
});
