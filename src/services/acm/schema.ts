import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** ACM's entity types: the one place they are spelled. */
export const AcmEntities = defineEntities({
  SERVICE: serviceEntitySchema('acm', 'ACM'),
  CERTIFICATE: { _type: 'aws_acm_certificate', _class: ['Certificate'], resourceName: 'ACM Certificate' },
});

export const AcmRelationships = defineRelationships({
  SERVICE_HAS_CERTIFICATE: { from: AcmEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: AcmEntities.CERTIFICATE._type },
});
