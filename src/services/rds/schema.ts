import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** RDS's entity types: the one place they are spelled. */
export const RdsEntities = defineEntities({
  SERVICE: serviceEntitySchema('rds', 'RDS'),
  CLUSTER: { _type: 'aws_rds_cluster', _class: ['DataStore', 'Database', 'Cluster'], resourceName: 'RDS DB Cluster' },
  INSTANCE: { _type: 'aws_db_instance', _class: ['DataStore', 'Database', 'Host'], resourceName: 'DB Instance' },
  SNAPSHOT: { _type: 'aws_db_snapshot', _class: ['DataStore', 'Database', 'Image'], resourceName: 'DB Instance Snapshot' },
  CLUSTER_SNAPSHOT: { _type: 'aws_db_cluster_snapshot', _class: ['DataStore', 'Database', 'Image'], resourceName: 'DB Cluster Snapshot' },
});

// Other services' types (their folders have no schema.ts yet).
const KMS_KEY = 'aws_kms_key'; // KMS's type (services/kms/schema.ts)
const SECURITY_GROUP = 'aws_security_group'; // EC2's type (services/ec2/keys.ts)
const VPC = 'aws_vpc';
const SUBNET = 'aws_subnet';
const ACCOUNT = 'aws_account';
const EVERYONE = 'everyone'; // JupiterOne's global Everyone entity (graph/mapped.ts)

const { CLUSTER, INSTANCE, SNAPSHOT, CLUSTER_SNAPSHOT } = RdsEntities;

export const RdsRelationships = defineRelationships({
  SERVICE_HAS_CLUSTER: { from: 'aws_rds', verb: RelationshipVerb.HAS, to: CLUSTER._type },
  SERVICE_HAS_INSTANCE: { from: 'aws_rds', verb: RelationshipVerb.HAS, to: INSTANCE._type },
  CLUSTER_CONTAINS_INSTANCE: { from: CLUSTER._type, verb: RelationshipVerb.CONTAINS, to: INSTANCE._type },
  CLUSTER_USES_KEY: { from: CLUSTER._type, verb: RelationshipVerb.USES, to: KMS_KEY },
  INSTANCE_USES_KEY: { from: INSTANCE._type, verb: RelationshipVerb.USES, to: KMS_KEY },
  CLUSTER_HAS_SECURITY_GROUP: { from: CLUSTER._type, verb: RelationshipVerb.HAS, to: SECURITY_GROUP },
  INSTANCE_HAS_SECURITY_GROUP: { from: INSTANCE._type, verb: RelationshipVerb.HAS, to: SECURITY_GROUP },
  SECURITY_GROUP_PROTECTS: { from: SECURITY_GROUP, verb: RelationshipVerb.PROTECTS, to: [CLUSTER._type, INSTANCE._type] },
  VPC_HAS_CLUSTER: { from: VPC, verb: RelationshipVerb.HAS, to: CLUSTER._type },
  SUBNET_HAS_INSTANCE: { from: SUBNET, verb: RelationshipVerb.HAS, to: INSTANCE._type },
  INSTANCE_CONTAINS_SNAPSHOT: { from: INSTANCE._type, verb: RelationshipVerb.CONTAINS, to: SNAPSHOT._type },
  CLUSTER_CONTAINS_SNAPSHOT: { from: CLUSTER._type, verb: RelationshipVerb.CONTAINS, to: CLUSTER_SNAPSHOT._type },
  SNAPSHOT_USES_KEY: { from: SNAPSHOT._type, verb: RelationshipVerb.USES, to: KMS_KEY },
  CLUSTER_SNAPSHOT_USES_KEY: { from: CLUSTER_SNAPSHOT._type, verb: RelationshipVerb.USES, to: KMS_KEY },
  SNAPSHOT_ALLOWS: { from: SNAPSHOT._type, verb: RelationshipVerb.ALLOWS, to: [ACCOUNT, EVERYONE] },
  CLUSTER_SNAPSHOT_ALLOWS: { from: CLUSTER_SNAPSHOT._type, verb: RelationshipVerb.ALLOWS, to: [ACCOUNT, EVERYONE] },
});
