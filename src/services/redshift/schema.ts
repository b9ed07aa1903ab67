import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** Redshift's entity types: the one place they are spelled. */
export const RedshiftEntities = defineEntities({
  SERVICE: serviceEntitySchema('redshift', 'Redshift'),
  CLUSTER: { _type: 'aws_redshift_cluster', _class: ['DataStore', 'Database', 'Cluster'], resourceName: 'Redshift Cluster' },
});

const CLUSTER = RedshiftEntities.CLUSTER._type;
const SECURITY_GROUP = 'aws_security_group'; // EC2's type (services/ec2/keys.ts)

export const RedshiftRelationships = defineRelationships({
  SERVICE_HAS_CLUSTER: { from: 'aws_redshift', verb: RelationshipVerb.HAS, to: CLUSTER },
  VPC_HAS_CLUSTER: { from: 'aws_vpc', verb: RelationshipVerb.HAS, to: CLUSTER },
  CLUSTER_HAS_SECURITY_GROUP: { from: CLUSTER, verb: RelationshipVerb.HAS, to: SECURITY_GROUP },
  SECURITY_GROUP_PROTECTS: { from: SECURITY_GROUP, verb: RelationshipVerb.PROTECTS, to: CLUSTER },
  CLUSTER_USES_KEY: { from: CLUSTER, verb: RelationshipVerb.USES, to: 'aws_kms_key' }, // KMS's type (services/kms/schema.ts)
});
