import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';
import { IamEntities } from '../iam/schema';
import { S3Entities } from '../s3/schema';
import { AnalysisEntities } from '../../analysis/schema';

/** GuardDuty's entity types: the one place they are spelled. */
export const GuardDutyEntities = defineEntities({
  SERVICE: serviceEntitySchema('guardduty', 'GuardDuty'),
  DETECTOR: { _type: 'aws_guardduty_detector', _class: ['Assessment', 'Scanner'], resourceName: 'GuardDuty Detector' },
  /** Ever-growing: archived and aged-out findings stay in the graph. */
  FINDING: { _type: 'aws_guardduty_finding', _class: ['Finding'], resourceName: 'Finding', everGrowing: true },
});

export const GuardDutyRelationships = defineRelationships({
  SERVICE_HAS_DETECTOR: { from: GuardDutyEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: GuardDutyEntities.DETECTOR._type },
  DETECTOR_IDENTIFIED_FINDING: { from: GuardDutyEntities.DETECTOR._type, verb: RelationshipVerb.IDENTIFIED, to: GuardDutyEntities.FINDING._type },
  INSTANCE_HAS_FINDING: { from: Ec2Entities.INSTANCE._type, verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
  BUCKET_HAS_FINDING: { from: S3Entities.BUCKET._type, verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
  ACCESS_KEY_HAS_FINDING: { from: IamEntities.ACCESS_KEY._type, verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
  RESOURCE_HAS_FINDING: { from: AnalysisEntities.RESOURCE._type, verb: RelationshipVerb.HAS, to: GuardDutyEntities.FINDING._type },
});
