import { defineEntities, defineRelationships, RelationshipVerb } from '../../graph';

/** KMS's entity types: the one place they are spelled. */
export const KmsEntities = defineEntities({
  KEY: { _type: 'aws_kms_key', _class: ['CryptoKey'], resourceName: 'KMS Key' },
});

export const KmsRelationships = defineRelationships({
  SERVICE_HAS_KEY: { from: 'aws_kms', verb: RelationshipVerb.HAS, to: KmsEntities.KEY._type },
});
