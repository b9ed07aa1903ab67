import type { GenerateInput } from '../../../sim/types';
import { generatedChoices, placementOf } from '../../../sim/placement';
import type { WorldDbInstance, WorldRds } from './simulator';

/**
 * A generated `rds` section: one database instance per five resources of the region, in EC2's
 * generated VPC; from ten resources an Aurora cluster with two members; a snapshot per instance and
 * cluster, some of them shared. Misconfigurations (public, unencrypted, no backups) come at rates
 * seen in real estates.
 */
export function generateRdsSection({ accountId, region, size, sections }: GenerateInput): WorldRds {
  const count = Math.ceil(size / 5);
  if (count === 0) return {};
  const { chance, pick } = generatedChoices(accountId, region, 'rds');
  const place = placementOf(sections, accountId, region);
  const zones = [...new Set(place.subnets.map((s) => s.az))];
  const subnetGroup = place.vpcId
    ? {
        DBSubnetGroupName: 'generated-db-subnets',
        DBSubnetGroupDescription: 'generated',
        VpcId: place.vpcId,
        SubnetGroupStatus: 'Complete',
        Subnets: place.subnets.map((s) => ({ SubnetIdentifier: s.id, SubnetAvailabilityZone: { Name: s.az }, SubnetStatus: 'Active' })),
      }
    : undefined;
  const section: Required<WorldRds> = { dbInstances: [], dbClusters: [], dbSnapshots: [], dbClusterSnapshots: [] };
  const instance = (id: string, index: number, extra: Partial<WorldDbInstance>): WorldDbInstance => {
    const encrypted = !chance('unencrypted', index, 0.2);
    const group = pick('sg', index, place.securityGroupIds);
    return {
      DBInstanceIdentifier: id,
      DBInstanceClass: pick('class', index, ['db.t3.medium', 'db.r6g.large', 'db.m6i.xlarge']),
      Engine: pick('engine', index, ['postgres', 'mysql']),
      EngineVersion: '15.4',
      AllocatedStorage: 100,
      StorageType: 'gp3',
      MasterUsername: 'dbadmin',
      AvailabilityZone: pick('az', index, zones) ?? `${region}a`,
      MultiAZ: chance('multiaz', index, 0.5),
      PubliclyAccessible: chance('public', index, 0.1),
      StorageEncrypted: encrypted,
      KmsKeyId: encrypted ? pick('key', index, place.keyArns) : undefined,
      BackupRetentionPeriod: chance('nobackup', index, 0.15) ? 0 : 7,
      DeletionProtection: chance('deletion', index, 0.6),
      IAMDatabaseAuthenticationEnabled: chance('iamauth', index, 0.3),
      AutoMinorVersionUpgrade: !chance('noupgrade', index, 0.2),
      InstanceCreateTime: new Date(Date.UTC(2021, index % 12, 1)).toISOString(),
      VpcSecurityGroups: group ? [{ VpcSecurityGroupId: group, Status: 'active' }] : [],
      DBSubnetGroup: subnetGroup,
      TagList: [{ Key: 'Name', Value: id }],
      ...extra,
    };
  };
  for (let index = 0; index < count; index++) {
    const id = `generated-db-${index}`;
    section.dbInstances.push(instance(id, index, {}));
    section.dbSnapshots.push({
      DBSnapshotIdentifier: `${id}-manual`,
      DBInstanceIdentifier: id,
      SnapshotType: 'manual',
      Engine: 'postgres',
      SnapshotCreateTime: new Date(Date.UTC(2024, 0, 1 + index)).toISOString(),
      Encrypted: section.dbInstances[index].StorageEncrypted,
      KmsKeyId: section.dbInstances[index].KmsKeyId,
      VpcId: place.vpcId,
      SharedWith: chance('shared', index, 0.1) ? (chance('public-snapshot', index, 0.3) ? ['all'] : ['999999999999']) : undefined,
    });
  }
  if (size >= 10) {
    const clusterId = 'generated-aurora';
    const key = pick('cluster-key', 0, place.keyArns);
    const members = [0, 1].map((m) =>
      instance(`${clusterId}-${m}`, 100 + m, { Engine: 'aurora-postgresql', DBClusterIdentifier: clusterId, StorageEncrypted: Boolean(key), KmsKeyId: key }),
    );
    section.dbInstances.push(...members);
    section.dbClusters.push({
      DBClusterIdentifier: clusterId,
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      EngineMode: 'provisioned',
      MultiAZ: true,
      AvailabilityZones: zones,
      BackupRetentionPeriod: 7,
      StorageEncrypted: Boolean(key),
      KmsKeyId: key,
      DeletionProtection: true,
      IAMDatabaseAuthenticationEnabled: false,
      DBSubnetGroup: subnetGroup?.DBSubnetGroupName,
      VpcSecurityGroups: members[0].VpcSecurityGroups,
      DBClusterMembers: members.map((m, i) => ({ DBInstanceIdentifier: m.DBInstanceIdentifier, IsClusterWriter: i === 0 })),
      ClusterCreateTime: new Date(Date.UTC(2022, 5, 1)).toISOString(),
    });
    section.dbClusterSnapshots.push({
      DBClusterSnapshotIdentifier: `${clusterId}-manual`,
      DBClusterIdentifier: clusterId,
      SnapshotType: 'manual',
      Engine: 'aurora-postgresql',
      SnapshotCreateTime: new Date(Date.UTC(2024, 1, 1)).toISOString(),
      StorageEncrypted: Boolean(key),
      KmsKeyId: key,
      VpcId: place.vpcId,
    });
  }
  return section;
}
