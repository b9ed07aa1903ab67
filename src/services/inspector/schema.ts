import { AnalysisEntities } from '../../analysis/schema';
import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { Ec2Entities } from '../ec2/schema';
import { LambdaEntities } from '../lambda/schema';

/**
 * Inspector's entity types: the one place they are spelled. Inspector Classic (assessment runs) is
 * retired; these types carry Amazon Inspector (Inspector2) data, mapped as docs/security-monitoring.md says:
 * one assessment per account and region (Inspector2's continuous scanning) and its findings.
 */
export const InspectorEntities = defineEntities({
  SERVICE: serviceEntitySchema('inspector', 'Inspector'),
  ASSESSMENT: { _type: 'aws_inspector_assessment', _class: ['Assessment'], resourceName: 'Inspector Assessment Run' },
  /** Ever-growing: closed findings stay in the graph with `open: false`. */
  FINDING: { _type: 'aws_inspector_finding', _class: ['Finding'], resourceName: 'Finding', everGrowing: true },
});

export const InspectorRelationships = defineRelationships({
  SERVICE_HAS_ASSESSMENT: { from: InspectorEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: InspectorEntities.ASSESSMENT._type },
  ASSESSMENT_IDENTIFIED_FINDING: { from: InspectorEntities.ASSESSMENT._type, verb: RelationshipVerb.IDENTIFIED, to: InspectorEntities.FINDING._type },
  INSTANCE_HAS_FINDING: { from: Ec2Entities.INSTANCE._type, verb: RelationshipVerb.HAS, to: InspectorEntities.FINDING._type },
  /** Lambda functions by ARN: Lambda's entities when collected, placeholders otherwise. */
  FUNCTION_HAS_FINDING: { from: LambdaEntities.FUNCTION._type, verb: RelationshipVerb.HAS, to: InspectorEntities.FINDING._type },
  /** Other accounts' instances (a delegated administrator sees its members'): placeholders. */
  RESOURCE_HAS_FINDING: { from: AnalysisEntities.RESOURCE._type, verb: RelationshipVerb.HAS, to: InspectorEntities.FINDING._type },
});
