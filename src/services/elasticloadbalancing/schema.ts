import { defineEntities, defineRelationships, MappedEntities, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { AcmEntities } from '../acm/schema';
import { Ec2Entities } from '../ec2/schema';
import { LambdaEntities } from '../lambda/schema';

/** Elastic Load Balancing's entity types (classic and v2): the one place they are spelled. */
export const ElbEntities = defineEntities({
  SERVICE: serviceEntitySchema('elasticloadbalancing', 'Elastic Load Balancing'),
  ALB: { _type: 'aws_alb', _class: ['Gateway'], resourceName: 'Application Load Balancer' },
  NLB: { _type: 'aws_nlb', _class: ['Gateway'], resourceName: 'Network Load Balancer' },
  ELB: { _type: 'aws_elb', _class: ['Gateway'], resourceName: 'Classic Load Balancer' },
  TARGET_GROUP: { _type: 'aws_lb_target_group', _class: ['Group'], resourceName: 'Target Group' },
  LISTENER: { _type: 'aws_lb_listener', _class: ['ApplicationEndpoint'], resourceName: 'Listener' },
  LISTENER_RULE: { _type: 'aws_lb_listener_rule', _class: ['Rule'], resourceName: 'Listener Rule' },
});

const E = ElbEntities;
const { HAS, CONNECTS, USES, PROTECTS, ALLOWS } = RelationshipVerb;
const LOAD_BALANCERS = [E.ALB._type, E.NLB._type, E.ELB._type];
const LAMBDA_FUNCTION = LambdaEntities.FUNCTION._type;

export const ElbRelationships = defineRelationships({
  SERVICE_HAS_LOAD_BALANCER: { from: E.SERVICE._type, verb: HAS, to: LOAD_BALANCERS },
  ALB_CONNECTS: { from: E.ALB._type, verb: CONNECTS, to: [E.TARGET_GROUP._type, E.LISTENER._type] },
  NLB_CONNECTS: { from: E.NLB._type, verb: CONNECTS, to: [E.TARGET_GROUP._type, E.LISTENER._type] },
  ELB_CONNECTS_INSTANCE: { from: E.ELB._type, verb: CONNECTS, to: Ec2Entities.INSTANCE._type },
  ALB_USES_CERTIFICATE: { from: E.ALB._type, verb: USES, to: AcmEntities.CERTIFICATE._type },
  NLB_USES_CERTIFICATE: { from: E.NLB._type, verb: USES, to: AcmEntities.CERTIFICATE._type },
  ELB_USES_CERTIFICATE: { from: E.ELB._type, verb: USES, to: AcmEntities.CERTIFICATE._type },
  LISTENER_USES_CERTIFICATE: { from: E.LISTENER._type, verb: USES, to: AcmEntities.CERTIFICATE._type },
  LISTENER_HAS_RULE: { from: E.LISTENER._type, verb: HAS, to: E.LISTENER_RULE._type },
  TARGET_GROUP_HAS_TARGET: {
    from: E.TARGET_GROUP._type,
    verb: HAS,
    to: [Ec2Entities.INSTANCE._type, LAMBDA_FUNCTION, Ec2Entities.ENI._type, Ec2Entities.EIP._type, MappedEntities.IP_ADDRESS._type, E.ALB._type],
  },
  ALB_HAS_SECURITY_GROUP: { from: E.ALB._type, verb: HAS, to: Ec2Entities.SECURITY_GROUP._type },
  NLB_HAS_SECURITY_GROUP: { from: E.NLB._type, verb: HAS, to: Ec2Entities.SECURITY_GROUP._type },
  ELB_HAS_SECURITY_GROUP: { from: E.ELB._type, verb: HAS, to: Ec2Entities.SECURITY_GROUP._type },
  SECURITY_GROUP_PROTECTS_LOAD_BALANCER: { from: Ec2Entities.SECURITY_GROUP._type, verb: PROTECTS, to: LOAD_BALANCERS },
  // The exposure model (src/analysis/exposure.ts): an internet-facing load balancer that the
  // Internet can reach, as a security group's ingress rule from the Internet is drawn.
  ALB_ALLOWS_INTERNET: { from: E.ALB._type, verb: ALLOWS, to: MappedEntities.INTERNET._type },
  NLB_ALLOWS_INTERNET: { from: E.NLB._type, verb: ALLOWS, to: MappedEntities.INTERNET._type },
  ELB_ALLOWS_INTERNET: { from: E.ELB._type, verb: ALLOWS, to: MappedEntities.INTERNET._type },
});
