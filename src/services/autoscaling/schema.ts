import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';
import { ElbEntities } from '../elasticloadbalancing/schema';

/** Auto Scaling's entity types: the one place they are spelled. */
export const AutoScalingEntities = defineEntities({
  SERVICE: serviceEntitySchema('autoscaling', 'Auto Scaling'),
  GROUP: { _type: 'aws_autoscaling_group', _class: ['Deployment', 'Group'], resourceName: 'Auto Scaling Group' },
});

export const AutoScalingRelationships = defineRelationships({
  SERVICE_HAS_GROUP: { from: AutoScalingEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: AutoScalingEntities.GROUP._type },
  GROUP_HAS_INSTANCE: { from: AutoScalingEntities.GROUP._type, verb: RelationshipVerb.HAS, to: Ec2Entities.INSTANCE._type },
  /** The target groups that receive the group's instances. */
  GROUP_USES_TARGET_GROUP: { from: AutoScalingEntities.GROUP._type, verb: RelationshipVerb.USES, to: ElbEntities.TARGET_GROUP._type },
});
