import { AnalysisEntities } from '../../analysis/schema';
import { defineEntities, defineRelationships, RelationshipVerb, type RelationshipSchema, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';
import { IamEntities } from '../iam/schema';
import { KmsEntities } from '../kms/schema';
import { LambdaEntities, LambdaTargets } from '../lambda/schema';
import { S3Entities } from '../s3/schema';

/** IAM Access Analyzer's entity types: the one place they are spelled. */
export const AccessAnalyzerEntities = defineEntities({
  SERVICE: serviceEntitySchema('accessanalyzer', 'IAM Access Analyzer'),
  ANALYZER: { _type: 'aws_accessanalyzer_analyzer', _class: ['Assessment', 'Scanner'], resourceName: 'Access Analyzer' },
  /** Ever-growing: resolved and archived findings stay with `open: false`. */
  FINDING: { _type: 'aws_accessanalyzer_finding', _class: ['Finding'], resourceName: 'Finding', everGrowing: true },
});

/**
 * Types of the resources external-access findings name, by ARN: the graph's entities (S3, IAM, KMS,
 * EC2 snapshots; SNS, SQS and Lambda once collected) or placeholders.
 */
export const FINDING_RESOURCE_TYPES = [
  S3Entities.BUCKET._type,
  IamEntities.ROLE._type,
  KmsEntities.KEY._type,
  Ec2Entities.SNAPSHOT._type,
  LambdaEntities.FUNCTION._type,
  LambdaTargets.SNS_TOPIC,
  LambdaTargets.SQS_QUEUE,
  AnalysisEntities.RESOURCE._type,
] as const;

const resourceHasFinding = Object.fromEntries(
  FINDING_RESOURCE_TYPES.map((type) => [
    type,
    { from: type, verb: RelationshipVerb.HAS, to: AccessAnalyzerEntities.FINDING._type } satisfies RelationshipSchema,
  ]),
) as Record<(typeof FINDING_RESOURCE_TYPES)[number], RelationshipSchema>;

export const AccessAnalyzerRelationships = defineRelationships({
  SERVICE_HAS_ANALYZER: { from: AccessAnalyzerEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: AccessAnalyzerEntities.ANALYZER._type },
  ANALYZER_IDENTIFIED_FINDING: { from: AccessAnalyzerEntities.ANALYZER._type, verb: RelationshipVerb.IDENTIFIED, to: AccessAnalyzerEntities.FINDING._type },
});

/** `<resource> HAS aws_accessanalyzer_finding`, one declaration per resource type. */
export const RESOURCE_HAS_FINDING: readonly RelationshipSchema[] = Object.values(defineRelationships(resourceHasFinding));
