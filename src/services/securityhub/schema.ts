import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** Security Hub's entity types: the one place they are spelled. */
export const SecurityHubEntities = defineEntities({
  SERVICE: serviceEntitySchema('securityhub', 'Security Hub'),
  /** Not in JupiterOne's data model: the account's hub in one region, which exists only where Security Hub is enabled (CIS 5.16). */
  HUB: { _type: 'aws_securityhub_hub', _class: ['Control'], resourceName: 'Security Hub' },
});

export const SecurityHubRelationships = defineRelationships({
  SERVICE_HAS_HUB: { from: SecurityHubEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: SecurityHubEntities.HUB._type },
});
