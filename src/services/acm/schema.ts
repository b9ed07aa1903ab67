import { defineEntities, defineRelationships, RelationshipVerb } from '../../graph';

/** ACM's entity types: the one place they are spelled. */
export const AcmEntities = defineEntities({
  CERTIFICATE: { _type: 'aws_acm_certificate', _class: ['Certificate'], resourceName: 'ACM Certificate' },
});

export const AcmRelationships = defineRelationships({
  SERVICE_HAS_CERTIFICATE: { from: 'aws_acm', verb: RelationshipVerb.HAS, to: AcmEntities.CERTIFICATE._type },
});
