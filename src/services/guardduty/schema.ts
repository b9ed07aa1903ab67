import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** GuardDuty's entity types: the one place they are spelled. */
export const GuardDutyEntities = defineEntities({
  SERVICE: serviceEntitySchema('guardduty', 'GuardDuty'),
  DETECTOR: { _type: 'aws_guardduty_detector', _class: ['Assessment', 'Scanner'], resourceName: 'GuardDuty Detector' },
  /** Ever-growing: archived and aged-out findings stay in the graph. */
  FINDING: { _type: 'aws_guardduty_finding', _class: ['Finding'], resourceName: 'Finding', everGrowing: true },
});

export const GuardDutyRelationships = defineRelationships({
  SERVICE_HAS_DETECTOR: { from: 'aws_guardduty', verb: RelationshipVerb.HAS, to: GuardDutyEntities.DETECTOR._type },
  DETECTOR_IDENTIFIED_FINDING: { from: GuardDutyEntities.DETECTOR._type, verb: RelationshipVerb.IDENTIFIED, to: GuardDutyEntities.FINDING._type },
  INSTANCE_HAS_FINDING: { from: 'aws_instance', verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
  BUCKET_HAS_FINDING: { from: 'aws_s3_bucket', verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
  ACCESS_KEY_HAS_FINDING: { from: 'aws_iam_access_key', verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
  RESOURCE_HAS_FINDING: { from: 'aws_resource', verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
});
