import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';
import { KmsEntities } from '../kms/schema';

/** EFS's entity types: the one place they are spelled. */
export const EfsEntities = defineEntities({
  SERVICE: serviceEntitySchema('efs', 'EFS'),
  FILE_SYSTEM: { _type: 'aws_efs_file_system', _class: ['DataStore'], resourceName: 'EFS File System' },
  MOUNT_TARGET: { _type: 'aws_efs_mount_target', _class: ['NetworkEndpoint'], resourceName: 'EFS Mount Target' },
  /** The file system's resource policy (DescribeFileSystemPolicy): an AccessPolicy, so the policy analysis derives its ALLOWS edges. */
  FILE_SYSTEM_POLICY: { _type: 'aws_efs_file_system_policy', _class: ['AccessPolicy'], resourceName: 'EFS File System Policy' },
});

const E = EfsEntities;
const { HAS, USES, PROTECTS } = RelationshipVerb;

export const EfsRelationships = defineRelationships({
  SERVICE_HAS_FILE_SYSTEM: { from: E.SERVICE._type, verb: HAS, to: E.FILE_SYSTEM._type },
  FILE_SYSTEM_HAS_MOUNT_TARGET: { from: E.FILE_SYSTEM._type, verb: HAS, to: E.MOUNT_TARGET._type },
  FILE_SYSTEM_HAS_POLICY: { from: E.FILE_SYSTEM._type, verb: HAS, to: E.FILE_SYSTEM_POLICY._type },
  FILE_SYSTEM_USES_KEY: { from: E.FILE_SYSTEM._type, verb: USES, to: KmsEntities.KEY._type },
  SUBNET_HAS_MOUNT_TARGET: { from: Ec2Entities.SUBNET._type, verb: HAS, to: E.MOUNT_TARGET._type },
  MOUNT_TARGET_USES_ENI: { from: E.MOUNT_TARGET._type, verb: USES, to: Ec2Entities.ENI._type },
  MOUNT_TARGET_HAS_SECURITY_GROUP: { from: E.MOUNT_TARGET._type, verb: HAS, to: Ec2Entities.SECURITY_GROUP._type },
  SECURITY_GROUP_PROTECTS_MOUNT_TARGET: { from: Ec2Entities.SECURITY_GROUP._type, verb: PROTECTS, to: E.MOUNT_TARGET._type },
});
