import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';

/** EKS's entity types: the one place they are spelled. */
export const EksEntities = defineEntities({
  SERVICE: serviceEntitySchema('eks', 'EKS'),
  CLUSTER: { _type: 'aws_eks_cluster', _class: ['Cluster'], resourceName: 'EKS Cluster' },
});

export const EksRelationships = defineRelationships({
  SERVICE_HAS_CLUSTER: { from: EksEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: EksEntities.CLUSTER._type },
  /** The cluster security group EKS creates and the additional ones of the control plane's network interfaces. */
  CLUSTER_HAS_SECURITY_GROUP: { from: EksEntities.CLUSTER._type, verb: RelationshipVerb.HAS, to: Ec2Entities.SECURITY_GROUP._type },
});
