import { defineEntities, defineRelationships, MappedEntities, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { KmsEntities } from '../kms/schema';

/** S3's entity types: the one place they are spelled. */
export const S3Entities = defineEntities({
  SERVICE: serviceEntitySchema('s3', 'S3'),
  BUCKET: { _type: 'aws_s3_bucket', _class: ['DataStore'], resourceName: 'S3 Bucket' },
  BUCKET_POLICY: { _type: 'aws_s3_bucket_policy', _class: ['AccessPolicy'], resourceName: 'Bucket Policy' },
});

export const S3Relationships = defineRelationships({
  SERVICE_HAS_BUCKET: { from: S3Entities.SERVICE._type, verb: RelationshipVerb.HAS, to: S3Entities.BUCKET._type },
  BUCKET_HAS_POLICY: { from: S3Entities.BUCKET._type, verb: RelationshipVerb.HAS, to: S3Entities.BUCKET_POLICY._type },
  BUCKET_USES_KEY: { from: S3Entities.BUCKET._type, verb: RelationshipVerb.USES, to: KmsEntities.KEY._type },
  /** Public ACL grants. */
  BUCKET_ALLOWS_EVERYONE: { from: S3Entities.BUCKET._type, verb: RelationshipVerb.ALLOWS, to: MappedEntities.EVERYONE._type },
});
